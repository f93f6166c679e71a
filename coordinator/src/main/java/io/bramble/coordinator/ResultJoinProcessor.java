package io.bramble.coordinator;

import io.bramble.core.parallel.ChildTimedOutException;
import io.bramble.core.parallel.JoinPolicy;
import io.bramble.runtime.Errors;
import io.bramble.runtime.Records;
import io.bramble.runtime.StepSpans;
import io.bramble.runtime.Tracing;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.AppStatus;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.OutcomePages;
import io.bramble.schemas.avro.ParentRef;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.StoredRef;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.avro.WaitingApp;
import io.bramble.schemas.serde.DecodedDeserializer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * results ⋈ pending joins, one branch per how an app stands. A child's result is stored once per
 * child index (a duplicate is dropped); when the join's policy is met, it completes. A root's
 * result becomes the job's result, published once (a halted one is replaced by the result of the
 * run its resume starts). A moved app's next task goes to its pool, once.
 *
 * <p>What the apps of a cancelled job still report (a step under way when it was cancelled) is
 * dropped, and their checkpoints removed after it.
 *
 * <p>Per-branch pauses: a halted child (paused at one of its job's halts) is kept where its resume
 * arrives (its report under its own id) and marked waiting in its parent's join, not counted as
 * done: its siblings go on. Once every child of a join has either finished or waits, the parent
 * waits too: a halted report goes to its own parent's join, and for a root the job's result is
 * HALTED, listing every app of the tree that waits. A resumed child's result clears its mark.
 */
final class ResultJoinProcessor extends DecodingProcessor<TaskResult> {
  private final JoinCompleter completer;
  private final CoordinatorMetrics metrics;
  private final Predicate<String> poolExists;
  private final ValueCleanup valueCleanup;

  /** A child's report that fills an open slot of its join. */
  private record Report(FanOut join, String slot, long done, int total) {}

  /**
   * {@code poolExists}: whether a pool has a tasks topic; {@code valueCleanup} removes a completed
   * job's stored values.
   */
  ResultJoinProcessor(
      DecodedDeserializer<TaskResult> decoder,
      JoinCompleter completer,
      CoordinatorMetrics metrics,
      Tracing tracing,
      Predicate<String> poolExists,
      ValueCleanup valueCleanup) {
    super(decoder, tracing);
    this.completer = completer;
    this.metrics = metrics;
    this.poolExists = poolExists;
    this.valueCleanup = valueCleanup;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    super.init(context);
    context.schedule(JoinDeadlines.CHECK_EVERY, PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  @Override
  void process(String key, TaskResult result, long timestamp) {
    // A halted child reports twice: to its parent's join and under its own id (what resumes it).
    boolean ownReport = result.getParent() != null && key.equals(result.getAppId());
    String root = result.getParent() == null ? result.getAppId() : result.getRootAppId();
    if (jobs.isCancelled(root)) {
      if (!ownReport) {
        dropCancelled(root, result, timestamp);
      }
      return;
    }
    if (!ownReport) {
      rememberValues(result);
    }
    switch (result.getStatus()) {
      case MOVED -> moved(key, result, timestamp);
      case HALTED -> halted(result, ownReport, timestamp);
      default -> ended(result, timestamp);
    }
  }

  /**
   * What a step under way when its job was cancelled reports: dropped, and its checkpoint and the
   * values it stored go after it. A root's worker may have written the job's result too: the topic
   * ends with the CANCELLED one again.
   */
  private void dropCancelled(String root, TaskResult result, long timestamp) {
    emit(Sinks.CHECKPOINTS, result.getAppId(), null, timestamp);
    if (result.getParent() == null && result.getJobResultWritten()) {
      emit(Sinks.JOB_RESULTS, root, jobs.results.get(root), timestamp);
    }
    valueCleanup.removeAny(root, jobs.unkept(root, result.getStored()));
  }

  /** An app that completed or failed: a root's ends its job, a child's fills its join's slot. */
  private void ended(TaskResult result, long timestamp) {
    if (result.getParent() == null) {
      finishJob(result, timestamp);
      return;
    }
    Report report = open(result);
    if (report == null) {
      return;
    }
    noteRequest(report.join(), result);
    FanOut join = report.join();
    String joinId = join.getJoinId();
    String waitingKey = JoinStores.waitingCountKey(joinId);
    Long waitingCount = joins.counts.get(waitingKey);
    if (waitingCount != null && joins.waiting.get(report.slot()) != null) {
      // A resumed child (or a parent whose children were) has finished.
      joins.waiting.delete(report.slot());
      joins.counts.put(waitingKey, waitingCount - 1);
    }
    joins.results.put(report.slot(), result);
    metrics.childJoined();
    long done = report.done() + 1;
    int total = report.total();
    joins.counts.put(joinId, done);
    long completed = countCompleted(join, result);
    boolean over =
        join.getJoinNeeded() > 0
            ? JoinPolicy.isOver(
                join.getJoinNeeded(), (int) completed, (int) (done - completed), total)
            : done == total;
    if (over) {
      if (done < total) {
        cancelUnreported(join, timestamp);
      }
      completer.complete(context, jobs, joins, join, total, timestamp, traceContext);
      return;
    }
    for (Task next :
        JoinBudget.release(
            joins,
            joinId,
            result.getParent().getChildIndex(),
            joins.received(join),
            join.getMaxConcurrency())) {
      emit(Sinks.TASKS, next.getAppId(), next, timestamp);
    }
    if (done % progressEvery(total) == 0) {
      emitProgress(join, done, total, timestamp);
    }
    if (waitingCount != null && waitingCount > 0) {
      emitIfEveryChildWaits(join, done, total, timestamp);
    }
  }

  /**
   * An app that waits for a resume (or for children that do): a root's job is halted; a child is
   * kept where its resume arrives, and marked waiting in its parent's join.
   */
  private void halted(TaskResult result, boolean ownReport, long timestamp) {
    if (result.getParent() == null) {
      if (keepHalted(result)) {
        finishJob(result, timestamp);
      }
      return;
    }
    if (ownReport) {
      keepHalted(result);
      return;
    }
    Report report = open(result);
    if (report == null) {
      return;
    }
    noteRequest(report.join(), result);
    String waitingKey = JoinStores.waitingCountKey(report.join().getJoinId());
    if (joins.waiting.get(report.slot()) == null) {
      Long waitingCount = joins.counts.get(waitingKey);
      joins.counts.put(waitingKey, (waitingCount == null ? 0 : waitingCount) + 1);
    }
    joins.waiting.put(report.slot(), result);
    emitIfEveryChildWaits(report.join(), report.done(), report.total(), timestamp);
  }

  /**
   * The report of child {@code result} to its join, or null when nothing is open for it: its join
   * completed already, or its slot is filled (a redelivered result).
   */
  private Report open(TaskResult result) {
    String joinId = result.getParent().getJoinId();
    FanOut join = joins.pending.get(joinId);
    if (join == null) {
      return null;
    }
    String slot = JoinStores.slot(joinId, result.getParent().getChildIndex());
    if (joins.results.get(slot) != null) {
      return null;
    }
    return new Report(join, slot, joins.counts.get(joinId), result.getParent().getChildCount());
  }

  /**
   * Keeps the latest request a child's report follows from, when later than its join's (a resume of
   * it, or of its descendants): what the parent's own halted report follows from.
   */
  private void noteRequest(FanOut join, TaskResult result) {
    if (result.getRequestedAtMs() <= join.getRequestedAtMs()) {
      return;
    }
    String key = JoinStores.latestRequestKey(join.getJoinId());
    Long latest = joins.counts.get(key);
    if (latest == null || latest < result.getRequestedAtMs()) {
      joins.counts.put(key, result.getRequestedAtMs());
    }
  }

  /**
   * How many children of a join that completes early (first N, quorum) have completed, with {@code
   * result}; 0 for a join that waits for every child (it counts reports only).
   */
  private long countCompleted(FanOut join, TaskResult result) {
    if (join.getJoinNeeded() <= 0) {
      return 0;
    }
    String key = JoinStores.completedCountKey(join.getJoinId());
    Long completed = joins.counts.get(key);
    long now =
        (completed == null ? 0 : completed)
            + (result.getStatus() == ResultStatus.COMPLETED ? 1 : 0);
    joins.counts.put(key, now);
    return now;
  }

  /**
   * The join completed without its children that have not reported: each is cancelled (a record on
   * the checkpoints topic, which the workers of its partition read), so it stops at its next step
   * boundary and its unstarted task is skipped; what it reports later finds no join.
   */
  private void cancelUnreported(FanOut join, long timestamp) {
    for (KeyValue<String, String> child : children(join)) {
      if (joins.results.get(child.key) == null) {
        joins.waiting.delete(child.key);
        emit(
            Sinks.CHECKPOINTS,
            child.value,
            Records.cancelled(child.value, join.getPartitionKey(), now()),
            timestamp);
      }
    }
  }

  /**
   * The slots and app ids of {@code join}'s children, in child order (of a join that keeps them).
   */
  private List<KeyValue<String, String>> children(FanOut join) {
    List<KeyValue<String, String>> children = new ArrayList<>();
    String joinId = join.getJoinId();
    try (KeyValueIterator<String, String> it = joins.children.range(joinId + "/", joinId + "/~")) {
      it.forEachRemaining(children::add);
    }
    return children;
  }

  /**
   * Children not done by their join's deadline ({@link StoreNames#JOIN_DEADLINES}) count as failed
   * and are cancelled; the join goes on as with any failure.
   */
  private void expire(long nowMs) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it =
        joins.deadlines.range("", JoinDeadlines.key(nowMs, "\uffff"))) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> d : due) {
      joins.deadlines.delete(d.key);
      FanOut join = joins.pending.get(d.value);
      if (join == null) {
        continue;
      }
      traceContext = Context.root();
      // Last child first: under a budget the queued ones time out before a released one's
      // timeout could release them.
      List<KeyValue<String, String>> children = children(join);
      Collections.reverse(children);
      for (KeyValue<String, String> child : children) {
        if (joins.pending.get(join.getJoinId()) == null) {
          break; // the timeouts so far completed the join
        }
        if (joins.results.get(child.key) != null) {
          continue;
        }
        emit(
            Sinks.CHECKPOINTS,
            child.value,
            Records.cancelled(child.value, join.getPartitionKey(), nowMs),
            nowMs);
        process(join.getParentAppId(), timedOut(join, child, nowMs), nowMs);
      }
    }
  }

  /** The result of {@code child} (its slot and app id) when it timed out. */
  private static TaskResult timedOut(FanOut join, KeyValue<String, String> child, long nowMs) {
    Duration timeout = Duration.ofMillis(join.getChildTimeoutMs());
    String appId = child.value;
    int index = Integer.parseInt(child.key.substring(child.key.lastIndexOf('/') + 1));
    return Records.result(
        appId,
        Records.stepId(appId, 0),
        new ParentRef(
            join.getParentAppId(),
            join.getParentSequenceId(),
            join.getJoinId(),
            index,
            join.getChildCount()),
        ResultStatus.FAILED,
        null,
        Errors.of(
            ChildTimedOutException.class.getName(),
            ChildTimedOutException.message(appId, join.getParallelAction(), timeout),
            null),
        0,
        null,
        join.getRequestedAtMs(),
        nowMs);
  }

  /**
   * A moved app's next task goes to its pool's tasks topic, once. Dropped: a move delivered again
   * (its worker's task was, after a crash), and one of an app whose outcome is in (its join
   * completed, its slot is filled, its job finished). A pool with no tasks topic fails the app.
   */
  private void moved(String key, TaskResult result, long timestamp) {
    Task next = result.getNext();
    String mark;
    if (result.getParent() == null) {
      JobResult known = jobs.results.get(result.getAppId());
      if (known != null && known.getStatus() != JobStatus.HALTED) {
        return;
      }
      mark = result.getAppId();
    } else {
      String joinId = result.getParent().getJoinId();
      mark = JoinStores.slot(joinId, result.getParent().getChildIndex());
      if (joins.pending.get(joinId) == null || joins.results.get(mark) != null) {
        return;
      }
    }
    Long last = joins.moves.get(mark);
    if (last != null && last >= next.getSequenceId()) {
      return;
    }
    if (!poolExists.test(next.getPool())) {
      process(key, unknownPool(result), timestamp);
      return;
    }
    joins.moves.put(mark, next.getSequenceId());
    emit(Sinks.TASKS, result.getAppId(), jobs.withChildSteps(next), timestamp);
  }

  private TaskResult unknownPool(TaskResult moved) {
    Task next = moved.getNext();
    return Records.result(
        moved.getAppId(),
        moved.getTaskId(),
        moved.getParent(),
        ResultStatus.FAILED,
        null,
        Errors.of(
            "io.bramble.UnknownPool",
            "app "
                + moved.getAppId()
                + " moved to pool "
                + next.getPool()
                + " for action '"
                + next.getPosition()
                + "', but that pool has no tasks topic (a worker creates the topics of the"
                + " pools its graphs use; has none with this graph started?)",
            next.getPosition()),
        moved.getSequenceId(),
        moved.getLastAction(),
        moved.getRequestedAtMs(),
        now());
  }

  /**
   * Keeps what resumes a halted app ({@code result.getResume()}, when it paused itself), unless a
   * resume of it at that step or later was accepted already (a redelivered, stale report); false if
   * stale.
   */
  private boolean keepHalted(TaskResult result) {
    Task resume = result.getResume();
    if (resume == null) {
      return true; // a parent waiting for its children: nothing of its own to resume
    }
    ResumeMark last = ResumeMark.decode(jobs.resumes.get(result.getAppId()));
    if (last != null && last.sequenceId() >= resume.getSequenceId()) {
      return false;
    }
    jobs.halted.put(result.getAppId(), resume);
    return true;
  }

  /**
   * When every child of {@code join} has finished or waits, and some wait, the parent waits for
   * them: reported halted to its own parent's join, or, for a root, as its job's halted result.
   */
  private void emitIfEveryChildWaits(FanOut join, long done, int total, long timestamp) {
    Long waitingCount = joins.counts.get(JoinStores.waitingCountKey(join.getJoinId()));
    if (waitingCount == null || waitingCount == 0 || done + waitingCount < total) {
      return; // counted, not scanned: a wide join's children halt one by one
    }
    List<WaitingApp> apps = new ArrayList<>();
    String joinId = join.getJoinId();
    try (KeyValueIterator<String, TaskResult> it =
        joins.waiting.range(joinId + "/", joinId + "/~")) {
      while (it.hasNext() && apps.size() < Records.MAX_WAITING_LISTED) {
        for (WaitingApp app : it.next().value.getWaiting()) {
          if (apps.size() < Records.MAX_WAITING_LISTED) {
            apps.add(app);
          }
        }
      }
    }
    Long latest = joins.counts.get(JoinStores.latestRequestKey(joinId));
    long requestedAt = Math.max(join.getRequestedAtMs(), latest == null ? 0 : latest);
    TaskResult parentWaits = Records.waitingForChildren(join, apps, requestedAt, now());
    if (join.getParent() == null) {
      finishJob(parentWaits, timestamp);
    } else {
      emit(Sinks.RESULTS, Records.resultKey(parentWaits), parentWaits, timestamp);
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

  /** Adds the values {@code result}'s task kept in the value store to its job's tree. */
  private void rememberValues(TaskResult result) {
    if (result.getStored().isEmpty()) {
      return;
    }
    String root;
    if (result.getParent() == null) {
      root = result.getAppId();
    } else {
      FanOut join = joins.pending.get(result.getParent().getJoinId());
      root = join == null ? null : join.getRootAppId();
    }
    if (root != null) {
      jobs.trees.addValues(root, result.getStored());
    }
  }

  /**
   * A completed job's per-app records are no longer needed: tombstones for every checkpoint of its
   * tree and every page of its wide joins, its joins' done markers, and the values its tasks stored
   * that its result does not hold. (A failed job keeps them: a retry resumes from them.)
   */
  private void cleanUp(TaskResult root, long timestamp) {
    String rootAppId = root.getAppId();
    emit(Sinks.CHECKPOINTS, rootAppId, null, timestamp);
    jobs.childSteps.delete(rootAppId);
    jobs.resumes.delete(rootAppId);
    if (joins.moves.get(rootAppId) != null) {
      joins.moves.delete(rootAppId);
    }
    JobTrees.Tree tree = jobs.trees.take(rootAppId);
    tree.apps().forEach(app -> emit(Sinks.CHECKPOINTS, app, null, timestamp));
    for (OutcomePages pages : tree.pages()) {
      for (int i = 0; i < pages.getCount(); i++) {
        emit(Sinks.JOINED, pages.getKey() + "#" + i, null, timestamp);
      }
    }
    for (String join : tree.joins()) {
      joins.done.delete(join);
      joins.done.delete(JoinStores.stepsKey(join));
    }
    Set<String> kept = ValueCleanup.heldBy(root.getState());
    List<StoredRef> unused =
        tree.values().stream().filter(v -> !kept.contains(v.getKey())).toList();
    if (!unused.isEmpty()) {
      valueCleanup.remove(rootAppId, unused);
    }
  }

  /** The root's steps and those of every child of its tree (summed as its joins completed). */
  private long treeSteps(TaskResult root) {
    Long children = jobs.childSteps.get(root.getAppId());
    return root.getSequenceId() + 1 + (children == null ? 0 : children);
  }

  private void finishJob(TaskResult result, long timestamp) {
    String appId = result.getAppId();
    JobResult known = jobs.results.get(appId);
    if (known != null && known.getStatus() != JobStatus.HALTED) {
      if (known.getStatus() == JobStatus.CANCELLED) {
        emit(Sinks.CHECKPOINTS, appId, null, timestamp); // written by a step under way
      }
      if (result.getJobResultWritten()) {
        // A worker ran the root's task again (it died before committing its offset, or a failed
        // step was tried again) and wrote the job's result again, perhaps another one: the job
        // ended with the first root result read here, so the topic ends with that one.
        emit(Sinks.JOB_RESULTS, appId, known, timestamp);
      }
      return; // published already: a redelivered result
    }
    JobResult jobResult =
        Records.jobResult(result, jobs.requests.get(appId), treeSteps(result), now());
    jobs.results.put(appId, jobResult);
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
    if (!result.getJobResultWritten()) {
      emit(Sinks.JOB_RESULTS, appId, jobResult, timestamp);
    }
    if (jobResult.getStatus() == JobStatus.HALTED) {
      emit(
          Sinks.EVENTS,
          appId,
          TrackingEvents.jobHalted(
              appId,
              result.getSequenceId(),
              jobResult.getNextAction(),
              jobResult.getWaiting().stream().map(WaitingApp::getAppId).toList(),
              Events.PROCESS,
              now()),
          timestamp);
      return; // its checkpoints stay: a resume continues from them
    }
    metrics.jobFinished(jobResult);
    JobMigration.ended(jobs, this::emit, appId, timestamp);
    if (jobResult.getStatus() == JobStatus.COMPLETED) {
      cleanUp(result, timestamp);
    }
    emit(
        Sinks.EVENTS,
        appId,
        TrackingEvents.jobDone(
            appId,
            result.getSequenceId(),
            result.getLastAction(),
            AppStatus.valueOf(jobResult.getStatus().name()),
            jobResult.getError(),
            Events.PROCESS,
            now()),
        timestamp);
  }
}
