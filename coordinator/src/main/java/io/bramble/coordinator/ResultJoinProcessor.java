package io.bramble.coordinator;

import io.bramble.runtime.Records;
import io.bramble.runtime.StepSpans;
import io.bramble.runtime.Tracing;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.AppStatus;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.serde.DecodedDeserializer;
import io.opentelemetry.api.trace.Span;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * results ⋈ pending joins. A child's result is stored once per child index (a duplicate is
 * dropped); when every child has reported, the join completes. A root's result becomes the job's
 * result, published once.
 */
final class ResultJoinProcessor extends DecodingProcessor<TaskResult> {
  private final JoinCompleter completer;
  private final CoordinatorMetrics metrics;
  private KeyValueStore<String, FanOut> joins;
  private KeyValueStore<String, TaskResult> results;
  private KeyValueStore<String, Long> counts;
  private KeyValueStore<String, JobRequest> jobs;
  private KeyValueStore<String, JobResult> jobResults;
  private KeyValueStore<String, Long> appSteps;

  ResultJoinProcessor(
      DecodedDeserializer<TaskResult> decoder,
      JoinCompleter completer,
      CoordinatorMetrics metrics,
      Tracing tracing) {
    super(decoder, tracing);
    this.completer = completer;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    super.init(context);
    joins = context.getStateStore(StoreNames.JOINS);
    results = context.getStateStore(StoreNames.JOIN_RESULTS);
    counts = context.getStateStore(StoreNames.JOIN_COUNTS);
    jobs = context.getStateStore(StoreNames.JOBS);
    jobResults = context.getStateStore(StoreNames.JOB_RESULTS);
    appSteps = context.getStateStore(StoreNames.APP_STEPS);
  }

  @Override
  void process(String key, TaskResult result, long timestamp) {
    if (result.getParent() == null) {
      finishJob(result, timestamp);
      return;
    }
    String joinId = result.getParent().getJoinId();
    FanOut join = joins.get(joinId);
    if (join == null) {
      return; // the join already completed: a redelivered result
    }
    String slot = JoinCompleter.resultKey(joinId, result.getParent().getChildIndex());
    if (results.get(slot) != null) {
      return; // this child already reported
    }
    results.put(slot, result);
    long done = counts.get(joinId) + 1;
    counts.put(joinId, done);
    int total = result.getParent().getChildCount();
    if (done < total && done % progressEvery(total) == 0) {
      emitProgress(join, done, total, timestamp);
    }
    if (done == total) {
      completer.complete(
          context, join, JoinCompleter.takeResults(results, joinId), timestamp, traceContext);
    }
  }

  /**
   * Progress is reported about twenty times a join, and once more when it is reduced: a record per
   * child result was one of the most frequent records of a fan-out, for a progress bar.
   */
  static long progressEvery(long total) {
    return Math.max(1, total / 20);
  }

  private void emitProgress(FanOut join, long done, long total, long timestamp) {
    emit(
        Sinks.EVENTS,
        join.getParentAppId(),
        TrackingEvents.joinProgress(join, done, total, false, Events.PROCESS, now()),
        timestamp);
  }

  /**
   * A completed job's per-app records are no longer needed: tombstones for every checkpoint of its
   * tree, and the joins' done markers. (A failed job keeps them: a retry resumes from them.)
   */
  private void cleanUp(String rootAppId, long timestamp) {
    KeyValueStore<String, String> trees = context.getStateStore(StoreNames.TREES);
    KeyValueStore<String, Long> done = context.getStateStore(StoreNames.JOINS_DONE);
    emit(Sinks.CHECKPOINTS, rootAppId, null, timestamp);
    appSteps.delete(rootAppId);
    String tree = trees.get(rootAppId);
    if (tree != null) {
      for (String line : tree.split("\n")) {
        if (line.startsWith("app:")) {
          emit(Sinks.CHECKPOINTS, line.substring(4), null, timestamp);
        } else if (line.startsWith("join:")) {
          done.delete(line.substring(5));
        }
      }
      trees.delete(rootAppId);
    }
  }

  /** The root's steps and those of every child of its tree (summed as its joins completed). */
  private long treeSteps(TaskResult root) {
    Long children = appSteps.get(root.getAppId());
    return root.getSequenceId() + 1 + (children == null ? 0 : children);
  }

  private void finishJob(TaskResult result, long timestamp) {
    String appId = result.getAppId();
    if (jobResults.get(appId) != null) {
      return;
    }
    JobRequest job = jobs.get(appId);
    JobResult jobResult = Records.jobResult(result, job, treeSteps(result), now());
    jobResults.put(appId, jobResult);
    // The job as one span: from its submission to its result.
    Span span =
        tracing
            .tracer()
            .spanBuilder("bramble.job.done " + jobResult.getGraph())
            .setParent(traceContext)
            .setStartTimestamp(Math.max(1, jobResult.getSubmittedAtMs()), TimeUnit.MILLISECONDS)
            .setAttribute(StepSpans.APP_ID, appId)
            .setAttribute(StepSpans.PROCESS, Events.PROCESS)
            .setAttribute("bramble.status", jobResult.getStatus().name())
            .startSpan();
    span.end();
    emit(Sinks.JOB_RESULTS, appId, jobResult, timestamp);
    metrics.jobFinished(jobResult);
    if (jobResult.getStatus() == JobStatus.COMPLETED) {
      cleanUp(appId, timestamp);
    }
    emit(
        Sinks.EVENTS,
        appId,
        TrackingEvents.jobDone(
            appId,
            result.getSequenceId(),
            result.getLastAction(),
            AppStatus.valueOf(jobResult.getStatus().name()),
            Events.PROCESS,
            now()),
        timestamp);
  }
}
