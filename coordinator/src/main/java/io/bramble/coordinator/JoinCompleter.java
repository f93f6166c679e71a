package io.bramble.coordinator;

import io.bramble.runtime.Errors;
import io.bramble.runtime.Records;
import io.bramble.runtime.StepSpans;
import io.bramble.runtime.Tracing;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.ChildOutcome;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JoinedPage;
import io.bramble.schemas.avro.OutcomePages;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;

/**
 * Ends a join: hands its parent to a worker of the parallel action's pool, with the outcomes of its
 * children in task order (the worker runs the reduce, as a step, and continues the parent: the
 * coordinator runs no user code), and replaces the join's records with a done marker holding the
 * request the join completed for, so that the same fan-out delivered again is recognised and the
 * store stays small. A fan-out of the join from a later request (a failed job's retry re-runs a
 * reduce that failed) opens it again.
 *
 * <p>Outcomes that fit in {@link #PAGE_BYTES} travel in the task; those of a wider join go, in the
 * same transaction, as pages of the joined topic that the task points to, so no record grows with
 * the number of children.
 */
final class JoinCompleter {
  /**
   * The most a task that reduces a join may hold: under the 1 MiB the coordinator's producer and
   * the broker take by default. A child whose final state alone is larger fails its parent instead
   * of a record that could never be written (which would stop the coordinator's partition).
   */
  static final int MAX_REDUCE_TASK_BYTES = 1_000_000;

  /** Outcomes up to this many bytes travel in the task; more go in pages of about this size. */
  static final int PAGE_BYTES = 256 * 1024;

  private final CoordinatorMetrics metrics;
  private final Tracing tracing;
  private final ToIntFunction<Task> sizeOf;
  private final String joinedTopic;

  /** {@code sizeOf}: the bytes a task takes as a record; pages go to {@code joinedTopic}. */
  JoinCompleter(
      CoordinatorMetrics metrics, Tracing tracing, ToIntFunction<Task> sizeOf, String joinedTopic) {
    this.metrics = metrics;
    this.tracing = tracing;
    this.sizeOf = sizeOf;
    this.joinedTopic = joinedTopic;
  }

  /** What a join's reported children add up to, gathered in one pass over its results. */
  private static final class Gathered {
    int reported;
    long steps;
    long requestedAt;
    List<ChildOutcome> outcomes = new ArrayList<>();
    long outcomeBytes;
    int pages;
    TaskResult tooLarge;
    int tooLargeBytes;
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
    Span span =
        tracing
            .tracer()
            .spanBuilder("bramble.join " + join.getParallelAction())
            .setParent(trace)
            .setAttribute(StepSpans.APP_ID, join.getParentAppId())
            .setAttribute(StepSpans.PROCESS, Events.PROCESS)
            .startSpan();
    try {
      long now = context.currentSystemTimeMs();
      Context inSpan = trace.with(span);
      String pageKey = join.getJoinId() + "@" + join.getRequestedAtMs();
      Gathered g = gather(context, joins, join, pageKey, now, inSpan);
      span.setAttribute("bramble.children", (long) g.reported);
      forget(joins, join);
      joins.done.put(join.getJoinId(), join.getRequestedAtMs());
      addSteps(jobs, joins, join, g.steps);
      metrics.joinFinished(join, now);
      OutcomePages pages = null;
      if (g.pages > 0) {
        pages = new OutcomePages(joinedTopic, 0, pageKey, g.pages, now);
        jobs.trees.addPages(join.getRootAppId(), pages);
      }
      TaskResult failed = null;
      if (g.tooLarge != null) {
        failed = tooLarge(join, g, now);
      } else {
        Task reduce =
            jobs.withChildSteps(
                Records.reduceTask(join, g.outcomes, pages, children, g.requestedAt));
        int bytes = sizeOf.applyAsInt(reduce);
        if (bytes > MAX_REDUCE_TASK_BYTES) {
          failed = parentTooLarge(join, g, bytes, now);
        } else {
          forward(context, join.getParentAppId(), reduce, timestamp, inSpan, Sinks.TASKS);
        }
      }
      if (failed != null) {
        for (String key : Records.resultKeys(failed)) {
          forward(context, key, failed, timestamp, inSpan, Sinks.RESULTS);
        }
      }
      forward(
          context,
          join.getParentAppId(),
          TrackingEvents.joinProgress(join, g.reported, children, true, Events.PROCESS, now),
          timestamp,
          inSpan,
          Sinks.EVENTS);
    } finally {
      span.end();
    }
  }

  /**
   * One pass over the join's results in child order: counts, steps, the latest request, and the
   * outcomes, held while they fit in one page and written as pages (stamped {@code now}) once they
   * do not.
   */
  private Gathered gather(
      ProcessorContext<String, Object> context,
      JoinStores joins,
      FanOut join,
      String pageKey,
      long now,
      Context trace) {
    Gathered g = new Gathered();
    g.requestedAt = join.getRequestedAtMs();
    OutcomeSizes sizes = new OutcomeSizes();
    String joinId = join.getJoinId();
    try (KeyValueIterator<String, TaskResult> it =
        joins.results.range(joinId + "/", joinId + "/~")) {
      while (it.hasNext()) {
        TaskResult r = it.next().value;
        g.reported++;
        g.steps += r.getSequenceId() + 1;
        g.requestedAt = Math.max(g.requestedAt, r.getRequestedAtMs());
        ChildOutcome outcome = Records.outcome(r);
        int bytes = sizes.of(outcome);
        if (bytes > MAX_REDUCE_TASK_BYTES - 1024) {
          if (g.tooLarge == null) {
            g.tooLarge = r;
            g.tooLargeBytes = bytes;
          }
          continue;
        }
        if (g.outcomeBytes + bytes > PAGE_BYTES && !g.outcomes.isEmpty()) {
          writePage(context, g, pageKey, now, trace);
        }
        g.outcomes.add(outcome);
        g.outcomeBytes += bytes;
      }
    }
    if (g.pages > 0 && !g.outcomes.isEmpty()) {
      writePage(context, g, pageKey, now, trace);
    }
    return g;
  }

  private void writePage(
      ProcessorContext<String, Object> context,
      Gathered g,
      String pageKey,
      long now,
      Context trace) {
    forward(context, pageKey + "#" + g.pages, new JoinedPage(g.outcomes), now, trace, Sinks.JOINED);
    g.pages++;
    g.outcomes = new ArrayList<>();
    g.outcomeBytes = 0;
  }

  /** The Avro size of an outcome, as it will take in a task or a page. */
  private static final class OutcomeSizes {
    private final SpecificDatumWriter<ChildOutcome> writer =
        new SpecificDatumWriter<>(ChildOutcome.class);
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private BinaryEncoder encoder;

    int of(ChildOutcome outcome) {
      out.reset();
      encoder = EncoderFactory.get().directBinaryEncoder(out, encoder);
      try {
        writer.write(outcome, encoder);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return out.size();
    }
  }

  /** The parent's result when one child's final state is too large for a record. */
  private static TaskResult tooLarge(FanOut join, Gathered g, long now) {
    TaskResult child = g.tooLarge;
    return failed(
        join,
        g,
        "child "
            + child.getParent().getChildIndex()
            + " (app "
            + child.getAppId()
            + ") of parallel action '"
            + join.getParallelAction()
            + "' of app "
            + join.getParentAppId()
            + " ended with a final state of "
            + g.tooLargeBytes
            + " bytes, more than the "
            + MAX_REDUCE_TASK_BYTES
            + " one record of the join may carry; keep large values in it (from"
            + " BRAMBLE_VALUES_THRESHOLD_BYTES up they travel by reference), or let it end with"
            + " only what the reduce needs",
        now);
  }

  /** The parent's result when its task, with its own state, is too large for a record. */
  private static TaskResult parentTooLarge(FanOut join, Gathered g, int bytes, long now) {
    return failed(
        join,
        g,
        "the task that reduces parallel action '"
            + join.getParallelAction()
            + "' of app "
            + join.getParentAppId()
            + " takes "
            + bytes
            + " bytes with the parent's state, more than the "
            + MAX_REDUCE_TASK_BYTES
            + " a record may; keep large values in state (from BRAMBLE_VALUES_THRESHOLD_BYTES"
            + " up they travel by reference), or fewer of them",
        now);
  }

  private static TaskResult failed(FanOut join, Gathered g, String message, long now) {
    return Records.result(
        join.getParentAppId(),
        Records.stepId(join.getParentAppId(), join.getParentSequenceId()),
        join.getParent(),
        ResultStatus.FAILED,
        null,
        Errors.of("io.bramble.JoinTooLarge", message, join.getParallelAction()),
        join.getParentSequenceId(),
        join.getParallelAction(),
        g.requestedAt,
        now);
  }

  /**
   * Removes what the join kept while it was pending: its record, counts, slots, children, moves,
   * budget.
   */
  static void forget(JoinStores joins, FanOut join) {
    String joinId = join.getJoinId();
    joins.pending.delete(joinId);
    joins.counts.delete(joinId);
    JoinStores.deleteChildren(joins.results, joinId);
    JoinStores.deleteChildren(joins.moves, joinId);
    for (String key :
        List.of(
            JoinStores.waitingCountKey(joinId),
            JoinStores.receivedCountKey(joinId),
            JoinStores.latestRequestKey(joinId))) {
      if (joins.counts.get(key) != null) {
        joins.counts.delete(key);
      }
    }
    JoinBudget.forget(joins, joinId);
    if (join.getJoinNeeded() > 0) {
      joins.counts.delete(JoinStores.completedCountKey(joinId));
    }
    if (join.getJoinNeeded() > 0 || join.getChildTimeoutMs() > 0) {
      JoinStores.deleteChildren(joins.children, joinId);
    }
  }

  /**
   * Adds the children's steps to their job's count: once per completed join, not a store write per
   * child; a join completed again (its reduce failed, the job was retried) replaces what it added.
   */
  private static void addSteps(JobStores jobs, JoinStores joins, FanOut join, long sum) {
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
