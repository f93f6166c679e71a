package io.bramble.coordinator;

import io.bramble.core.state.StateInternals;
import io.bramble.runtime.DeclaredInputs;
import io.bramble.runtime.Pauses;
import io.bramble.runtime.Records;
import io.bramble.runtime.Tracing;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.Entry;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.StateData;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.serde.DecodedDeserializer;
import io.opentelemetry.api.trace.Span;
import java.util.Locale;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * jobs → root tasks. Checks what can be checked without the graph (the state and inputs have no
 * internal keys): a job that fails it gets a failed JobResult naming the problem; the checks that
 * need the graph are the starting worker's ({@code JobStart}). A second job with an app id already
 * seen is ignored, unless that job failed: then the newer submission retries it, and the worker
 * resumes it from its checkpoints (completed steps and children are not run again).
 *
 * <p>A resume continues a halted app (a root or a child, kept in {@link StoreNames#HALTED} on the
 * partition of its id) with the resume's inputs, as the same app id at its next sequence id; a
 * resume of an app that is not halted, or whose inputs do not fit its next action ({@link
 * DeclaredInputs}, carried by the halted task), is refused with an event saying why, and the same
 * resume delivered twice runs once.
 *
 * <p>A cancel stops a job's whole tree ({@link JobCancellation}); a migration moves it to another
 * version of its graph ({@link JobMigration}).
 */
final class JobIntakeProcessor extends DecodingProcessor<JobRequest> {
  private final ValueCleanup valueCleanup;
  private final CoordinatorMetrics metrics;
  private JobCancellation cancellation;
  private JobMigration migration;

  JobIntakeProcessor(
      DecodedDeserializer<JobRequest> decoder,
      Tracing tracing,
      ValueCleanup valueCleanup,
      CoordinatorMetrics metrics) {
    super(decoder, tracing);
    this.valueCleanup = valueCleanup;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    super.init(context);
    cancellation = new JobCancellation(jobs, joins, this::emit, valueCleanup, metrics);
    migration = new JobMigration(jobs, this::emit);
  }

  @Override
  void process(String appId, JobRequest given, long timestamp) {
    JobRequest job = given;
    if (!appId.equals(job.getAppId())) {
      failJob(
          appId, "job record key '" + appId + "' differs from its appId '" + job.getAppId() + "'");
      return;
    }
    if (job.getCancel()) {
      cancellation.request(appId, job, now(), timestamp);
      return;
    }
    if (job.getMigrateTo() != null) {
      migration.request(appId, job, now(), timestamp);
      return;
    }
    if (job.getResume()) {
      resume(appId, job, timestamp);
      return;
    }
    JobRequest earlier = jobs.requests.get(appId);
    if (earlier != null) {
      JobResult prior = jobs.results.get(appId);
      boolean retry =
          prior != null
              && prior.getStatus() == JobStatus.FAILED
              && job.getSubmittedAtMs() > earlier.getSubmittedAtMs();
      if (!retry) {
        emit(
            Sinks.EVENTS,
            appId,
            TrackingEvents.duplicateSubmission(appId, Events.PROCESS, now()),
            timestamp);
        return;
      }
      jobs.results.delete(appId);
      // Later than every request of the failed run (a resume's clock may be ahead of this
      // client's): the joins done for those are opened again by the retry's fan-outs.
      job =
          JobRequest.newBuilder(job)
              .setSubmittedAtMs(Math.max(job.getSubmittedAtMs(), prior.getSubmittedAtMs() + 1))
              .build();
      // The retry re-runs the failed step, which may be one its root moved for before.
      if (joins.moves.get(appId) != null) {
        joins.moves.delete(appId);
      }
    }
    jobs.requests.put(appId, job);
    jobs.trees.addValues(appId, job.getStored());
    Span span = startSpan("bramble.job " + job.getGraph(), appId);
    try {
      start(appId, job, timestamp);
    } finally {
      span.end();
    }
  }

  private void start(String appId, JobRequest job, long timestamp) {
    Task root;
    try {
      root = rootTask(job);
    } catch (RuntimeException e) {
      failJob(appId, e.getMessage());
      return;
    }
    emit(Sinks.TASKS, appId, jobs.withChildSteps(root), timestamp);
    emit(
        Sinks.EVENTS,
        appId,
        TrackingEvents.jobAccepted(appId, job.getGraph(), Events.PROCESS, now()),
        timestamp);
  }

  private void resume(String appId, JobRequest request, long timestamp) {
    String requestId = request.getRequestId() == null ? "" : request.getRequestId();
    ResumeMark last = ResumeMark.decode(jobs.resumes.get(appId));
    if (last != null && !requestId.isEmpty() && last.requestId().equals(requestId)) {
      emit(
          Sinks.EVENTS,
          appId,
          TrackingEvents.duplicateSubmission(appId, Events.PROCESS, now()),
          timestamp);
      return;
    }
    Task waiting = jobs.halted.get(appId);
    if (waiting == null) {
      emit(
          Sinks.EVENTS,
          appId,
          TrackingEvents.resumeRefused(
              appId, requestId, whyNotHalted(appId), Events.PROCESS, now()),
          timestamp);
      return;
    }
    try {
      refuseInternalKeys(request.getInputs(), "input");
      if (waiting.getNextInputs() != null) {
        DeclaredInputs.fromAvro(waiting.getNextInputs())
            .check(
                request.getInputs().getEntries().stream().map(Entry::getKey).toList(),
                "the resume");
      }
      if (!waiting.getHaltNames().isEmpty()) {
        Pauses.check(
            request.getHaltBefore(),
            request.getHaltAfter(),
            waiting.getHaltNames(),
            waiting.getGraph());
      }
    } catch (RuntimeException e) {
      emit(
          Sinks.EVENTS,
          appId,
          TrackingEvents.resumeRefused(
              appId,
              requestId,
              "resume of app " + appId + ": " + e.getMessage(),
              Events.PROCESS,
              now()),
          timestamp);
      return;
    }
    jobs.halted.delete(appId);
    jobs.resumes.put(appId, new ResumeMark(requestId, waiting.getSequenceId()).encode());
    if (waiting.getParent() == null) {
      jobs.results.delete(appId);
    }
    // The job runs again: its halted result no longer stands (a child's root is kept elsewhere;
    // its store entry is replaced by the job's next result).
    emit(Sinks.JOB_RESULTS, waiting.getRootAppId(), null, timestamp);
    emit(Sinks.TASKS, appId, jobs.withChildSteps(Records.resumed(waiting, request)), timestamp);
    emit(
        Sinks.EVENTS,
        appId,
        TrackingEvents.resumed(
            appId,
            waiting.getRootAppId(),
            requestId,
            waiting.getSequenceId(),
            waiting.getPosition(),
            Events.PROCESS,
            now()),
        timestamp);
  }

  /** Why {@code appId} cannot be resumed, as far as this partition knows it. */
  private String whyNotHalted(String appId) {
    JobResult result = jobs.results.get(appId);
    if (result != null && result.getStatus() == JobStatus.HALTED) {
      return "app "
          + appId
          + " is not halted itself: it waits for "
          + result.getWaiting().stream().map(w -> w.getAppId()).toList()
          + "; resume those";
    }
    if (result != null) {
      return "app "
          + appId
          + " is "
          + result.getStatus().name().toLowerCase(Locale.ROOT)
          + ", not halted";
    }
    if (jobs.requests.get(appId) != null) {
      return "app " + appId + " is running, not halted";
    }
    return "no halted app has id " + appId + " (it is unknown, or a child that is running or done)";
  }

  /**
   * The job's root task, as submitted: what needs its graph (the graph exists, its entrypoint and
   * halts name actions, its defaults) is done by the worker that starts it.
   */
  private static Task rootTask(JobRequest job) {
    refuseInternalKeys(job.getState(), "job state key");
    refuseInternalKeys(job.getInputs(), "job input");
    return Records.rootTask(job);
  }

  /** Keys starting with __ are the runtime's: {@code what} given by a client may not use them. */
  private static void refuseInternalKeys(StateData given, String what) {
    for (Entry entry : given.getEntries()) {
      if (StateInternals.isInternal(entry.getKey())) {
        throw new IllegalArgumentException(
            what
                + " '"
                + entry.getKey()
                + "' is internal (keys starting with __ are set by the runtime)");
      }
    }
  }

  @Override
  void undecodable(String key, String reason) {
    if (key != null) {
      failJob(key, "the job record could not be decoded: " + reason);
    }
  }
}
