package io.bramble.coordinator;

import io.bramble.runtime.Records;
import io.bramble.runtime.StepSpans;
import io.bramble.runtime.Tracing;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.ResultStatus;
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
 * Ends a join: reduces, forwards the parent's continuation task or result (halted, when one of the
 * job's halts holds after the reduce), and replaces the join's records with a done marker (so
 * redeliveries are recognised and the store stays small). A join that failed gets no marker: a
 * retry of the job fans out the same join again.
 */
final class JoinCompleter {
  private final JoinReducer reducer;
  private final CoordinatorMetrics metrics;
  private final Tracing tracing;

  JoinCompleter(JoinReducer reducer, CoordinatorMetrics metrics, Tracing tracing) {
    this.reducer = reducer;
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
            .spanBuilder("bramble.reduce " + join.getParallelAction())
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
    JoinReducer.Completion c = reducer.complete(join, results, children, now);
    for (var event : c.events()) {
      forward(context, event.getAppId(), event, timestamp, trace, Sinks.EVENTS);
    }
    boolean succeeded =
        c.continuation() != null || c.parentResult().getStatus() != ResultStatus.FAILED;
    if (succeeded) {
      done.put(join.getJoinId(), now);
      addSteps(context, join.getRootAppId(), results);
    }
    metrics.joinFinished(join, succeeded, now);
    if (c.continuation() != null) {
      forward(context, join.getParentAppId(), c.continuation(), timestamp, trace, Sinks.TASKS);
    } else {
      TaskResult r = c.parentResult();
      for (String key : Records.resultKeys(r)) {
        forward(context, key, r, timestamp, trace, Sinks.RESULTS);
      }
    }
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
   * child (a failed join adds none, so a retry that completes it is not counted twice).
   */
  private static void addSteps(
      ProcessorContext<String, Object> context, String rootAppId, List<TaskResult> results) {
    KeyValueStore<String, Long> steps = context.getStateStore(StoreNames.APP_STEPS);
    long sum = 0;
    for (TaskResult r : results) {
      sum += r.getSequenceId() + 1;
    }
    Long known = steps.get(rootAppId);
    steps.put(rootAppId, (known == null ? 0 : known) + sum);
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
