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
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * results ⋈ pending joins. A child's result is stored once per child index (a duplicate is
 * dropped); when every child has reported, the join completes. A root's result becomes the job's
 * result, published once (a halted one is replaced by the result of the run its resume starts).
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
  private KeyValueStore<String, FanOut> joins;
  private KeyValueStore<String, TaskResult> results;
  private KeyValueStore<String, Long> counts;
  private KeyValueStore<String, JobRequest> jobs;
  private KeyValueStore<String, JobResult> jobResults;
  private KeyValueStore<String, Long> appSteps;
  private KeyValueStore<String, TaskResult> waiting;
  private KeyValueStore<String, Task> halted;
  private KeyValueStore<String, String> resumes;
  private KeyValueStore<String, Long> moves;
  private KeyValueStore<String, String> deadlines;
  private final Predicate<String> poolExists;
  private final ValueCleanup valueCleanup;
  private JobTrees trees;

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
    joins = context.getStateStore(StoreNames.JOINS);
    results = context.getStateStore(StoreNames.JOIN_RESULTS);
    counts = context.getStateStore(StoreNames.JOIN_COUNTS);
    jobs = context.getStateStore(StoreNames.JOBS);
    jobResults = context.getStateStore(StoreNames.JOB_RESULTS);
    appSteps = context.getStateStore(StoreNames.APP_STEPS);
    waiting = context.getStateStore(StoreNames.JOIN_WAITING);
    halted = context.getStateStore(StoreNames.HALTED);
    resumes = context.getStateStore(StoreNames.RESUMES);
    moves = context.getStateStore(StoreNames.MOVES);
    deadlines = context.getStateStore(StoreNames.JOIN_DEADLINES);
    trees = new JobTrees(context.getStateStore(StoreNames.TREES));
    context.schedule(JoinDeadlines.CHECK_EVERY, PunctuationType.WALL_CLOCK_TIME, this::expire);
  }

  @Override
  void process(String key, TaskResult result, long timestamp) {
    if (key.equals(Records.resultKey(result))) {
      rememberValues(result); // once: a halted child's second copy (under its own id) aside
    }
    if (result.getStatus() == ResultStatus.MOVED) {
      move(key, result, timestamp);
      return;
    }
    boolean halt = result.getStatus() == ResultStatus.HALTED;
    if (result.getParent() == null) {
      if (halt && !keepHalted(result)) {
        return;
      }
      finishJob(result, timestamp);
      return;
    }
    if (key.equals(result.getAppId())) {
      keepHalted(result); // a halted child's report under its own id: what resumes it
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
    long done = counts.get(joinId);
    int total = result.getParent().getChildCount();
    String waitingKey = JoinCompleter.waitingCountKey(joinId);
    Long waitingCount = counts.get(waitingKey);
    if (halt) {
      if (waiting.get(slot) == null) {
        counts.put(waitingKey, (waitingCount == null ? 0 : waitingCount) + 1);
      }
      waiting.put(slot, result);
      emitIfEveryChildWaits(join, done, total, timestamp);
      return;
    }
    if (waitingCount != null && waiting.get(slot) != null) {
      // A resumed child (or a parent whose children were) has finished.
      waiting.delete(slot);
      counts.put(waitingKey, waitingCount - 1);
    }
    results.put(slot, result);
    done++;
    counts.put(joinId, done);
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
      completer.complete(
          context,
          join,
          JoinCompleter.takeResults(results, joinId),
          total,
          timestamp,
          traceContext);
      return;
    }
    for (Task next :
        JoinBudget.release(
            context, joinId, result.getParent().getChildIndex(), total, join.getMaxConcurrency())) {
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
   * How many children of a join that completes early (first N, quorum) have completed, with {@code
   * result}; 0 for a join that waits for every child (it counts reports only).
   */
  private long countCompleted(FanOut join, TaskResult result) {
    if (join.getJoinNeeded() <= 0) {
      return 0;
    }
    String key = JoinCompleter.completedCountKey(join.getJoinId());
    Long completed = counts.get(key);
    long now =
        (completed == null ? 0 : completed)
            + (result.getStatus() == ResultStatus.COMPLETED ? 1 : 0);
    counts.put(key, now);
    return now;
  }

  /**
   * The join completed without its children that have not reported: each is cancelled (a record on
   * the checkpoints topic, which the workers of its partition read), so it stops at its next step
   * boundary and its unstarted task is skipped; what it reports later finds no join.
   */
  private void cancelUnreported(FanOut join, long timestamp) {
    for (Task child : join.getChildren()) {
      String slot = JoinCompleter.resultKey(join.getJoinId(), child.getParent().getChildIndex());
      if (results.get(slot) == null) {
        waiting.delete(slot);
        emit(
            Sinks.CHECKPOINTS,
            child.getAppId(),
            Records.cancelled(child.getAppId(), child.getPartitionKey(), now()),
            timestamp);
      }
    }
  }

  /**
   * Children not done by their join's deadline ({@link StoreNames#JOIN_DEADLINES}) count as failed
   * and are cancelled; the join goes on as with any failure.
   */
  private void expire(long nowMs) {
    List<KeyValue<String, String>> due = new ArrayList<>();
    try (KeyValueIterator<String, String> it =
        deadlines.range("", JoinDeadlines.key(nowMs, "\uffff"))) {
      it.forEachRemaining(due::add);
    }
    for (KeyValue<String, String> d : due) {
      deadlines.delete(d.key);
      FanOut join = joins.get(d.value);
      if (join == null) {
        continue;
      }
      traceContext = Context.root();
      // Last child first: under a budget the queued ones time out before a released one's
      // timeout could release them.
      List<Task> children = new ArrayList<>(join.getChildren());
      java.util.Collections.reverse(children);
      for (Task child : children) {
        if (joins.get(join.getJoinId()) == null) {
          break; // the timeouts so far completed the join
        }
        String slot = JoinCompleter.resultKey(join.getJoinId(), child.getParent().getChildIndex());
        if (results.get(slot) != null) {
          continue;
        }
        emit(
            Sinks.CHECKPOINTS,
            child.getAppId(),
            Records.cancelled(child.getAppId(), child.getPartitionKey(), nowMs),
            nowMs);
        process(join.getParentAppId(), timedOut(join, child, nowMs), nowMs);
      }
    }
  }

  private static TaskResult timedOut(FanOut join, Task child, long nowMs) {
    Duration timeout = Duration.ofMillis(join.getChildTimeoutMs());
    return Records.result(
        child.getAppId(),
        child.getTaskId(),
        child.getParent(),
        ResultStatus.FAILED,
        null,
        Errors.of(
            ChildTimedOutException.class.getName(),
            ChildTimedOutException.message(child.getAppId(), join.getParallelAction(), timeout),
            null),
        child.getSequenceId(),
        null,
        child.getRequestedAtMs(),
        nowMs);
  }

  /**
   * A moved app's next task goes to its pool's tasks topic, once. Dropped: a move delivered again
   * (its worker's task was, after a crash), and one of an app whose outcome is in (its join
   * completed, its slot is filled, its job finished). A pool with no tasks topic here fails the
   * app.
   */
  private void move(String key, TaskResult result, long timestamp) {
    Task next = result.getNext();
    String mark;
    if (result.getParent() == null) {
      JobResult known = jobResults.get(result.getAppId());
      if (known != null && known.getStatus() != JobStatus.HALTED) {
        return;
      }
      mark = result.getAppId();
    } else {
      String joinId = result.getParent().getJoinId();
      mark = JoinCompleter.resultKey(joinId, result.getParent().getChildIndex());
      if (joins.get(joinId) == null || results.get(mark) != null) {
        return;
      }
    }
    Long last = moves.get(mark);
    if (last != null && last >= next.getSequenceId()) {
      return;
    }
    if (!poolExists.test(next.getPool())) {
      process(key, unknownPool(result), timestamp);
      return;
    }
    moves.put(mark, next.getSequenceId());
    emit(Sinks.TASKS, result.getAppId(), next, timestamp);
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
                + "', but that pool has no tasks topic (a worker creates the topics of the pools its graphs use; has none with this"
                + " graph started?)",
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
    ResumeMark last = ResumeMark.decode(resumes.get(result.getAppId()));
    if (last != null && last.sequenceId() >= resume.getSequenceId()) {
      return false;
    }
    halted.put(result.getAppId(), resume);
    return true;
  }

  /**
   * When every child of {@code join} has finished or waits, and some wait, the parent waits for
   * them: reported halted to its own parent's join, or, for a root, as its job's halted result.
   */
  private void emitIfEveryChildWaits(FanOut join, long done, int total, long timestamp) {
    List<TaskResult> waitingChildren = JoinCompleter.childrenOf(waiting, join.getJoinId());
    if (waitingChildren.isEmpty() || done + waitingChildren.size() < total) {
      return;
    }
    List<WaitingApp> apps = new ArrayList<>();
    waitingChildren.forEach(w -> apps.addAll(w.getWaiting()));
    List<TaskResult> all = new ArrayList<>(waitingChildren);
    all.addAll(JoinCompleter.childrenOf(results, join.getJoinId()));
    long requestedAt = JoinCompleter.requestedAt(join, all);
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

  /**
   * A completed job's per-app records are no longer needed: tombstones for every checkpoint of its
   * tree, and the joins' done markers. (A failed job keeps them: a retry resumes from them.)
   */
  private void cleanUp(TaskResult root, long timestamp) {
    String rootAppId = root.getAppId();
    KeyValueStore<String, Long> done = context.getStateStore(StoreNames.JOINS_DONE);
    emit(Sinks.CHECKPOINTS, rootAppId, null, timestamp);
    appSteps.delete(rootAppId);
    resumes.delete(rootAppId);
    if (moves.get(rootAppId) != null) {
      moves.delete(rootAppId);
    }
    JobTrees.Tree tree = trees.take(rootAppId);
    tree.apps().forEach(app -> emit(Sinks.CHECKPOINTS, app, null, timestamp));
    for (String join : tree.joins()) {
      done.delete(join);
      done.delete(JoinCompleter.stepsKey(join));
    }
    // The job's result holds its final state: the values it refers to stay with it.
    Set<String> kept = new HashSet<>();
    if (root.getState() != null) {
      root.getState().getEntries().stream()
          .map(e -> e.getValue().getValue())
          .filter(StoredRef.class::isInstance)
          .forEach(v -> kept.add(((StoredRef) v).getKey()));
    }
    List<StoredRef> unused =
        tree.values().stream().filter(v -> !kept.contains(v.getKey())).toList();
    if (!unused.isEmpty()) {
      valueCleanup.remove(rootAppId, unused);
    }
  }

  /** Adds the values {@code result}'s task kept in the value store to its job's tree. */
  private void rememberValues(TaskResult result) {
    if (result.getStored().isEmpty()) {
      return;
    }
    String root = null;
    if (result.getParent() == null) {
      root = result.getAppId();
    } else {
      FanOut join = joins.get(result.getParent().getJoinId());
      root = join == null ? null : join.getRootAppId();
    }
    if (root != null) {
      trees.addValues(root, result.getStored());
    }
  }

  /** The root's steps and those of every child of its tree (summed as its joins completed). */
  private long treeSteps(TaskResult root) {
    Long children = appSteps.get(root.getAppId());
    return root.getSequenceId() + 1 + (children == null ? 0 : children);
  }

  private void finishJob(TaskResult result, long timestamp) {
    String appId = result.getAppId();
    JobResult known = jobResults.get(appId);
    if (known != null && known.getStatus() != JobStatus.HALTED) {
      return; // published already: a redelivered result
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
            Events.PROCESS,
            now()),
        timestamp);
  }
}
