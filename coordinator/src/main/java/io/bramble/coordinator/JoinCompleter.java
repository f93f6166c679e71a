package io.bramble.coordinator;

import io.bramble.runtime.Errors;
import io.bramble.runtime.Records;
import io.bramble.runtime.StepSpans;
import io.bramble.runtime.Tracing;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.util.List;
import java.util.function.ToIntFunction;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;

/**
 * Ends a join: hands its parent to a worker of the parallel action's pool, with the outcomes of its
 * children in task order (the worker runs the reduce, as a step, and continues the parent: the
 * coordinator runs no user code), and replaces the join's records with a done marker holding the
 * request the join completed for, so that the same fan-out delivered again is recognised and the
 * store stays small. A fan-out of the join from a later request (a failed job's retry re-runs a
 * reduce that failed) opens it again.
 */
final class JoinCompleter {
  /**
   * The most a task that reduces a join may hold: under the 1 MiB the coordinator's producer and
   * the broker take by default. The children's large values travel by reference; a join whose
   * children's states are larger than this all the same fails its parent instead of a task that
   * could never be written (which would stop the coordinator's partition).
   */
  static final int MAX_REDUCE_TASK_BYTES = 1_000_000;

  private final CoordinatorMetrics metrics;
  private final Tracing tracing;
  private final ToIntFunction<Task> sizeOf;

  /** {@code sizeOf}: the bytes a task takes as a record. */
  JoinCompleter(CoordinatorMetrics metrics, Tracing tracing, ToIntFunction<Task> sizeOf) {
    this.metrics = metrics;
    this.tracing = tracing;
    this.sizeOf = sizeOf;
  }

  /** The latest request the join and its children's results follow from. */
  static long requestedAt(FanOut join, List<TaskResult> results) {
    long latest = join.getRequestedAtMs();
    for (TaskResult r : results) {
      latest = Math.max(latest, r.getRequestedAtMs());
    }
    return latest;
  }

  /**
   * Completes {@code join} of {@code children} with the results its children reported (taken from
   * {@code joins}, in child order; the others were cancelled or never ran).
   */
  void complete(
      ProcessorContext<String, Object> context,
      JobStores jobs,
      JoinStores joins,
      FanOut join,
      int children,
      long timestamp,
      Context trace) {
    List<TaskResult> results = JoinStores.childrenOf(joins.results, join.getJoinId());
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
      forget(joins, join);
      long now = context.currentSystemTimeMs();
      joins.done.put(join.getJoinId(), join.getRequestedAtMs());
      addSteps(jobs, joins, join, results);
      metrics.joinFinished(join, now);
      Context inSpan = trace.with(span);
      Task reduce = Records.reduceTask(join, results, children, requestedAt(join, results));
      int bytes = sizeOf.applyAsInt(reduce);
      if (bytes > MAX_REDUCE_TASK_BYTES) {
        TaskResult failed = tooLarge(join, results, bytes, now);
        for (String key : Records.resultKeys(failed)) {
          forward(context, key, failed, timestamp, inSpan, Sinks.RESULTS);
        }
      } else {
        forward(context, join.getParentAppId(), reduce, timestamp, inSpan, Sinks.TASKS);
      }
      forward(
          context,
          join.getParentAppId(),
          TrackingEvents.joinProgress(join, results.size(), children, true, Events.PROCESS, now),
          timestamp,
          inSpan,
          Sinks.EVENTS);
    } finally {
      span.end();
    }
  }

  /** The parent's result when its children's final states are too large for one task together. */
  private static TaskResult tooLarge(FanOut join, List<TaskResult> results, int bytes, long now) {
    return Records.result(
        join.getParentAppId(),
        Records.stepId(join.getParentAppId(), join.getParentSequenceId()),
        join.getParent(),
        ResultStatus.FAILED,
        null,
        Errors.of(
            "io.bramble.JoinTooLarge",
            "parallel action '"
                + join.getParallelAction()
                + "' of app "
                + join.getParentAppId()
                + ": the final states of its "
                + results.size()
                + " children take "
                + bytes
                + " bytes together, more than the "
                + MAX_REDUCE_TASK_BYTES
                + " the task that reduces them may carry; keep large values in them (from"
                + " BRAMBLE_VALUES_THRESHOLD_BYTES up they travel by reference), or let each child"
                + " end with only what the reduce needs",
            join.getParallelAction()),
        join.getParentSequenceId(),
        join.getParallelAction(),
        requestedAt(join, results),
        now);
  }

  /** Removes what the join kept while it was pending: its record, counts, slots, moves, budget. */
  private static void forget(JoinStores joins, FanOut join) {
    String joinId = join.getJoinId();
    joins.pending.delete(joinId);
    joins.counts.delete(joinId);
    JoinStores.deleteChildren(joins.results, joinId);
    JoinStores.deleteChildren(joins.moves, joinId);
    if (joins.counts.get(JoinStores.waitingCountKey(joinId)) != null) {
      joins.counts.delete(JoinStores.waitingCountKey(joinId));
    }
    JoinBudget.forget(joins, joinId);
    if (join.getJoinNeeded() > 0) {
      joins.counts.delete(JoinStores.completedCountKey(joinId));
    }
  }

  /**
   * Adds the children's steps to their job's count: once per completed join, not a store write per
   * child; a join completed again (its reduce failed, the job was retried) replaces what it added.
   */
  private static void addSteps(
      JobStores jobs, JoinStores joins, FanOut join, List<TaskResult> results) {
    long sum = 0;
    for (TaskResult r : results) {
      sum += r.getSequenceId() + 1;
    }
    String stepsKey = JoinStores.stepsKey(join.getJoinId());
    Long before = joins.done.get(stepsKey);
    Long known = jobs.childSteps.get(join.getRootAppId());
    jobs.childSteps.put(
        join.getRootAppId(), (known == null ? 0 : known) - (before == null ? 0 : before) + sum);
    joins.done.put(stepsKey, sum);
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
