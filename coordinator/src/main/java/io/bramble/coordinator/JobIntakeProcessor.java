package io.bramble.coordinator;

import io.bramble.core.application.Halt;
import io.bramble.core.graph.Graph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.core.state.StateInternals;
import io.bramble.runtime.Records;
import io.bramble.runtime.Tracing;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.serde.DecodedDeserializer;
import io.opentelemetry.api.trace.Span;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * jobs → root tasks. Checks what can be checked before any work runs (the graph exists, the state
 * has no internal keys, entrypoint and halts name actions); a job that fails a check gets a failed
 * JobResult naming the problem. A second job with an app id already seen is ignored, unless that
 * job failed: then the newer submission retries it, and the worker resumes it from its checkpoints
 * (completed steps and children are not run again).
 */
final class JobIntakeProcessor extends DecodingProcessor<JobRequest> {
  private final GraphRegistry registry;
  private KeyValueStore<String, JobRequest> jobs;
  private KeyValueStore<String, JobResult> jobResults;

  JobIntakeProcessor(
      DecodedDeserializer<JobRequest> decoder, GraphRegistry registry, Tracing tracing) {
    super(decoder, tracing);
    this.registry = registry;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    super.init(context);
    jobs = context.getStateStore(StoreNames.JOBS);
    jobResults = context.getStateStore(StoreNames.JOB_RESULTS);
  }

  @Override
  void process(String appId, JobRequest job, long timestamp) {
    if (!appId.equals(job.getAppId())) {
      failJob(
          appId, "job record key '" + appId + "' differs from its appId '" + job.getAppId() + "'");
      return;
    }
    JobRequest earlier = jobs.get(appId);
    if (earlier != null) {
      JobResult prior = jobResults.get(appId);
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
      jobResults.delete(appId);
    }
    jobs.put(appId, job);
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
    emit(Sinks.TASKS, appId, root, timestamp);
    emit(
        Sinks.EVENTS,
        appId,
        TrackingEvents.jobAccepted(appId, job.getGraph(), Events.PROCESS, now()),
        timestamp);
  }

  private Task rootTask(JobRequest job) {
    GraphRegistry.Entry entry = registry.get(job.getGraph(), job.getGraphVersion());
    GraphProvider provider = entry.provider();
    Graph graph = entry.graph();
    Map<String, Object> given = StateCodec.toMap(job.getState());
    for (String key : given.keySet()) {
      if (StateInternals.isInternal(key)) {
        throw new IllegalArgumentException(
            "job state key '"
                + key
                + "' is internal (keys starting with __ are set by the runtime)");
      }
    }
    for (String key : StateCodec.toMap(job.getInputs()).keySet()) {
      if (StateInternals.isInternal(key)) {
        throw new IllegalArgumentException(
            "job input '" + key + "' is reserved: inputs starting with __ are internal");
      }
    }
    State state = provider.defaultState().merge(State.of(given));
    String entrypoint = job.getEntrypoint() != null ? job.getEntrypoint() : provider.entrypoint();
    graph.action(entrypoint);
    List<String> haltBefore = List.copyOf(job.getHaltBefore());
    List<String> haltAfter =
        job.getHaltAfter().isEmpty()
            ? provider.defaultHaltAfter()
            : List.copyOf(job.getHaltAfter());
    Halt.of(haltBefore, haltAfter).validate(graph);
    return Records.rootTask(job, entry.version(), entrypoint, state, haltBefore, haltAfter);
  }

  @Override
  void undecodable(String key, String reason) {
    if (key != null) {
      failJob(key, "the job record could not be decoded: " + reason);
    }
  }
}
