package io.bramble.coordinator;

import io.bramble.runtime.Records;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.Cancellation;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.OutcomePages;
import io.bramble.schemas.avro.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Cancels a job at a client's request, in two steps, since a job's tree spreads over partitions
 * (each join is kept on its parent's).
 *
 * <p>On the partition of its root (a cancel request on the jobs topic): refused, naming why, when
 * no job has that root id or the job has ended; otherwise its result is CANCELLED, its root is
 * stopped, and every partition is told (a record to each partition of the cancellations topic,
 * which only the coordinator writes). Cancelling a cancelled job again is answered as the first
 * time, and changes nothing.
 *
 * <p>On every partition (a cancellation; on the root's at once): the job is marked cancelled, for
 * {@link #REMEMBERED}, so what its apps still report (a step under way) is dropped, with the values
 * it stored; each app of its tree kept here is cancelled (a record on the checkpoints topic: its
 * task stops at its next step boundary, an unstarted one never runs) and its checkpoint removed;
 * its joins here are forgotten (their queued children never go out), as are its halted apps, its
 * pages and its stored values.
 */
final class JobCancellation {
  /**
   * How long a partition remembers a cancelled job, to drop what its steps under way still report:
   * well beyond how long workers remember it ({@link
   * io.bramble.runtime.Topics#CANCELLATIONS_READABLE}).
   */
  static final Duration REMEMBERED = Duration.ofDays(1);

  private final JobStores jobs;
  private final JoinStores joins;
  private final Emitter out;
  private final ValueCleanup valueCleanup;
  private final CoordinatorMetrics metrics;

  JobCancellation(
      JobStores jobs,
      JoinStores joins,
      Emitter out,
      ValueCleanup valueCleanup,
      CoordinatorMetrics metrics) {
    this.jobs = jobs;
    this.joins = joins;
    this.out = out;
    this.valueCleanup = valueCleanup;
    this.metrics = metrics;
  }

  /** A client's request to cancel job {@code rootAppId}, answered with an event naming it. */
  void request(String rootAppId, JobRequest request, long nowMs, long timestamp) {
    String requestId = request.getRequestId() == null ? "" : request.getRequestId();
    JobRequest job = jobs.requests.get(rootAppId);
    JobResult known = jobs.results.get(rootAppId);
    boolean again = known != null && known.getStatus() == JobStatus.CANCELLED;
    String refused = again ? null : jobs.whyNotInFlight(rootAppId, "cancelled");
    if (refused != null) {
      out.emit(
          Sinks.EVENTS,
          rootAppId,
          TrackingEvents.cancelRefused(rootAppId, requestId, refused, Events.PROCESS, nowMs),
          timestamp);
      return;
    }
    if (!again) {
      cancel(rootAppId, job, known, nowMs, timestamp);
    }
    out.emit(
        Sinks.EVENTS,
        rootAppId,
        TrackingEvents.cancelled(rootAppId, requestId, Events.PROCESS, nowMs),
        timestamp);
  }

  private void cancel(
      String rootAppId, JobRequest job, JobResult known, long nowMs, long timestamp) {
    Long childSteps = jobs.childSteps.get(rootAppId);
    JobResult result =
        Records.cancelledJob(
            rootAppId,
            job.getGraph(),
            known,
            Math.max(job.getSubmittedAtMs(), known == null ? 0 : known.getSubmittedAtMs()),
            childSteps == null ? 0 : childSteps,
            nowMs);
    jobs.results.put(rootAppId, result);
    out.emit(Sinks.JOB_RESULTS, rootAppId, result, timestamp);
    stop(rootAppId, job.getPartitionKey(), timestamp);
    jobs.childSteps.delete(rootAppId);
    jobs.resumes.delete(rootAppId);
    if (joins.moves.get(rootAppId) != null) {
      joins.moves.delete(rootAppId);
    }
    JobMigration.ended(jobs, out, rootAppId, timestamp);
    Cancellation cancellation =
        new Cancellation(rootAppId, nowMs, List.copyOf(ValueCleanup.heldBy(result.getState())));
    // Here at once, so nothing of the tree reported to this partition meanwhile goes on; then to
    // every partition (this one's record then finds it done).
    stopTree(cancellation, timestamp);
    out.emit(Sinks.CANCELLATIONS, rootAppId, cancellation, timestamp);
    metrics.jobFinished(result);
    out.emit(
        Sinks.EVENTS,
        rootAppId,
        TrackingEvents.jobCancelled(rootAppId, Events.PROCESS, nowMs),
        timestamp);
  }

  /** What this partition holds of the cancelled job's tree stops and goes. */
  void stopTree(Cancellation cancellation, long timestamp) {
    String rootAppId = cancellation.getRootAppId();
    if (jobs.isCancelled(rootAppId)) {
      return;
    }
    jobs.cancelled.put(rootAppId, cancellation);
    JobTrees.Tree tree = jobs.trees.take(rootAppId);
    for (String joinId : tree.joins()) {
      FanOut join = joins.pending.get(joinId);
      if (join != null) {
        JoinCompleter.forget(joins, join);
        JoinStores.deleteChildren(joins.waiting, joinId);
      }
      joins.done.delete(joinId);
      joins.done.delete(JoinStores.stepsKey(joinId));
    }
    for (String app : tree.apps()) {
      stop(app, null, timestamp);
    }
    for (OutcomePages pages : tree.pages()) {
      for (int i = 0; i < pages.getCount(); i++) {
        out.emit(Sinks.JOINED, pages.getKey() + "#" + i, null, timestamp);
      }
    }
    forgetHalted(rootAppId);
    valueCleanup.removeAny(rootAppId, jobs.unkept(rootAppId, tree.values()));
  }

  /**
   * Forgets the jobs cancelled before {@code beforeMs}: what a step of theirs reports this late
   * finds no join, and its job's result is known.
   */
  void forgetBefore(long beforeMs) {
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, Cancellation> it = jobs.cancelled.all()) {
      it.forEachRemaining(
          kv -> {
            if (kv.value.getCancelledAtMs() < beforeMs) {
              old.add(kv.key);
            }
          });
    }
    old.forEach(jobs.cancelled::delete);
  }

  /**
   * App {@code appId} runs nothing more (the workers of its partition read the cancellation), and
   * its checkpoint goes. The topic keeps the cancellation readable a while before compaction may
   * drop it ({@link io.bramble.runtime.Topics#CANCELLATIONS_READABLE}), for a task of it still
   * queued.
   */
  private void stop(String appId, String partitionKey, long timestamp) {
    out.emit(Sinks.CHECKPOINTS, appId, Records.cancelled(appId, partitionKey), timestamp);
    out.emit(Sinks.CHECKPOINTS, appId, null, timestamp);
  }

  /** The apps of the job that wait here for a resume: a resume of them is refused from now on. */
  private void forgetHalted(String rootAppId) {
    List<String> halted = new ArrayList<>();
    try (KeyValueIterator<String, Task> it = jobs.halted.all()) {
      it.forEachRemaining(
          kv -> {
            if (rootAppId.equals(kv.value.getRootAppId())) {
              halted.add(kv.key);
            }
          });
    }
    halted.forEach(jobs.halted::delete);
  }
}
