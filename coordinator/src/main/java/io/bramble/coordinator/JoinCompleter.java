package io.bramble.coordinator;

import io.bramble.runtime.Records;
import io.bramble.runtime.StepSpans;
import io.bramble.runtime.Tracing;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Ends a join: hands its parent to a worker of the parallel action's pool, with the outcomes of its
 * children in task order (the worker runs the reduce, as a step, and continues the parent: the
 * coordinator runs no user code), and replaces the join's records with a done marker holding the
 * request the join completed for, so that the same fan-out delivered again is recognised and the
 * store stays small. A fan-out of the join from a later request (a failed job's retry re-runs a
 * reduce that failed) opens it again.
 */
final class JoinCompleter {
  private final CoordinatorMetrics metrics;
  private final Tracing tracing;

  JoinCompleter(CoordinatorMetrics metrics, Tracing tracing) {
    this.metrics = metrics;
    this.tracing = tracing;
  }

  /** The store key of child {@code index}'s result: sorts in child order. */
  static String resultKey(String joinId, int index) {
    return joinId + "/" + String.format("%08d", index);
  }

  /**
   * The join-counts key of how many of {@code joinId}'s children wait (halted); absent until one
   * does, so a join without halts reads one cached key per result and writes none.
   */
  static String waitingCountKey(String joinId) {
    return joinId + "#waiting";
  }

  /**
   * The join-counts key of how many of {@code joinId}'s children completed; kept only for a join
   * that completes early (first N, quorum).
   */
  static String completedCountKey(String joinId) {
    return joinId + "#completed";
  }

  /** What {@code store} holds for {@code joinId}'s children, in child order. */
  static List<TaskResult> childrenOf(KeyValueStore<String, TaskResult> store, String joinId) {
    List<TaskResult> list = new ArrayList<>();
    try (KeyValueIterator<String, TaskResult> it = store.range(joinId + "/", joinId + "/~")) {
      it.forEachRemaining(kv -> list.add(kv.value));
    }
    return list;
  }

  /** The results stored for {@code joinId}, in child order, removed from the store. */
  static List<TaskResult> takeResults(KeyValueStore<String, TaskResult> results, String joinId) {
    List<TaskResult> list = childrenOf(results, joinId);
    for (TaskResult r : list) {
      results.delete(resultKey(joinId, r.getParent().getChildIndex()));
    }
    return list;
  }

  /**
   * The joins-done key of how many steps {@code joinId}'s children added to their job's count when
   * it completed, so that completing it again (a retry) replaces them instead of adding them twice.
   */
  static String stepsKey(String joinId) {
    return joinId + "#steps";
  }

  /** The latest request the join and its children's results follow from. */
  static long requestedAt(FanOut join, List<TaskResult> results) {
    long latest = join.getRequestedAtMs();
    for (TaskResult r : results) {
      latest = Math.max(latest, r.getRequestedAtMs());
    }
    return latest;
  }

  void complete(
      ProcessorContext<String, Object> context,
      FanOut join,
      List<TaskResult> results,
      int children,
      long timestamp,
      Context trace) {
    Span span =
        tracing
            .tracer()
            .spanBuilder("bramble.join " + join.getParallelAction())
            .setParent(trace)
            .setAttribute(StepSpans.APP_ID, join.getParentAppId())
            .setAttribute(StepSpans.PROCESS, Events.PROCESS)
            .setAttribute("bramble.children", (long) results.size())
            .startSpan();
    try {
      completeIn(context, join, results, children, timestamp, trace.with(span));
    } finally {
      span.end();
    }
  }

  private void completeIn(
      ProcessorContext<String, Object> context,
      FanOut join,
      List<TaskResult> results,
      int children,
      long timestamp,
      Context trace) {
    KeyValueStore<String, FanOut> joins = context.getStateStore(StoreNames.JOINS);
    KeyValueStore<String, Long> counts = context.getStateStore(StoreNames.JOIN_COUNTS);
    KeyValueStore<String, Long> done = context.getStateStore(StoreNames.JOINS_DONE);
    joins.delete(join.getJoinId());
    counts.delete(join.getJoinId());
    KeyValueStore<String, Long> moves = context.getStateStore(StoreNames.MOVES);
    List<String> moved = new ArrayList<>();
    try (KeyValueIterator<String, Long> it =
        moves.range(join.getJoinId() + "/", join.getJoinId() + "/~")) {
      it.forEachRemaining(kv -> moved.add(kv.key));
    }
    moved.forEach(moves::delete);
    if (counts.get(waitingCountKey(join.getJoinId())) != null) {
      counts.delete(waitingCountKey(join.getJoinId()));
    }
    JoinBudget.forget(context, join.getJoinId());
    if (join.getJoinNeeded() > 0) {
      counts.delete(completedCountKey(join.getJoinId()));
    }
    long now = context.currentSystemTimeMs();
    done.put(join.getJoinId(), join.getRequestedAtMs());
    addSteps(context, join, results);
    metrics.joinFinished(join, now);
    Task reduce = Records.reduceTask(join, results, children, requestedAt(join, results));
    forward(context, join.getParentAppId(), reduce, timestamp, trace, Sinks.TASKS);
    forward(
        context,
        join.getParentAppId(),
        TrackingEvents.joinProgress(join, results.size(), children, true, Events.PROCESS, now),
        timestamp,
        trace,
        Sinks.EVENTS);
  }

  /**
   * Adds the children's steps to their job's count: once per completed join, not a store write per
   * child; a join completed again (its reduce failed, the job was retried) replaces what it added.
   */
  private static void addSteps(
      ProcessorContext<String, Object> context, FanOut join, List<TaskResult> results) {
    KeyValueStore<String, Long> steps = context.getStateStore(StoreNames.APP_STEPS);
    KeyValueStore<String, Long> done = context.getStateStore(StoreNames.JOINS_DONE);
    long sum = 0;
    for (TaskResult r : results) {
      sum += r.getSequenceId() + 1;
    }
    Long before = done.get(stepsKey(join.getJoinId()));
    Long known = steps.get(join.getRootAppId());
    steps.put(
        join.getRootAppId(), (known == null ? 0 : known) - (before == null ? 0 : before) + sum);
    done.put(stepsKey(join.getJoinId()), sum);
  }

  private void forward(
      ProcessorContext<String, Object> context,
      String key,
      Object value,
      long timestamp,
      Context trace,
      String sink) {
    RecordHeaders headers = new RecordHeaders();
    tracing.inject(trace, headers);
    context.forward(new Record<>(key, value, timestamp, headers), sink);
  }
}
