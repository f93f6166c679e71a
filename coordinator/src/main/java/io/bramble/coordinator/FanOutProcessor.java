package io.bramble.coordinator;

import io.bramble.runtime.Tracing;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.serde.DecodedDeserializer;
import io.opentelemetry.api.trace.Span;
import java.util.List;

/**
 * fanouts → a pending join in the store, then the child tasks. The coordinator (not the worker)
 * publishes the children, so no child result can arrive before its join exists. A fan-out seen
 * before (a worker re-ran the step after a crash) is ignored; one of a join done for an earlier
 * request (its reduce failed, and the job is retried) opens it again.
 *
 * <p>A fan-out too wide for one record comes as several, in child order (one transaction, one
 * partition): the first opens the join, and each of the others adds its children if they are the
 * next expected, so no record grows with the number of children and none is taken twice.
 */
final class FanOutProcessor extends DecodingProcessor<FanOut> {
  private final JoinCompleter completer;
  private final ValueCleanup valueCleanup;

  FanOutProcessor(
      DecodedDeserializer<FanOut> decoder,
      JoinCompleter completer,
      Tracing tracing,
      ValueCleanup valueCleanup) {
    super(decoder, tracing);
    this.completer = completer;
    this.valueCleanup = valueCleanup;
  }

  @Override
  void process(String parentAppId, FanOut fanOut, long timestamp) {
    if (jobs.isCancelled(fanOut.getRootAppId())) {
      // Mapped by a step under way when its job was cancelled: nothing goes out, and what it
      // stored goes.
      emit(Sinks.CHECKPOINTS, parentAppId, null, timestamp);
      valueCleanup.removeAny(
          fanOut.getRootAppId(), jobs.unkept(fanOut.getRootAppId(), fanOut.getStored()));
      return;
    }
    String joinId = fanOut.getJoinId();
    if (fanOut.getFirstChild() > 0) {
      FanOut join = joins.pending.get(joinId);
      if (join != null
          && join.getRequestedAtMs() == fanOut.getRequestedAtMs()
          && joins.received(join) == fanOut.getFirstChild()) {
        addChildren(join, fanOut, timestamp);
      }
      return; // otherwise a record of a fan-out taken already
    }
    Long doneFor = joins.done.get(joinId);
    if (joins.pending.get(joinId) != null
        || (doneFor != null && doneFor >= fanOut.getRequestedAtMs())) {
      return; // delivered again; a later request's (a retry's) opens the join again
    }
    Span span = startSpan("bramble.fan-out " + fanOut.getParallelAction(), parentAppId);
    try {
      open(fanOut, timestamp);
    } finally {
      span.end();
    }
  }

  private void open(FanOut first, long timestamp) {
    String joinId = first.getJoinId();
    int total = first.getChildCount() < 0 ? first.getChildren().size() : first.getChildCount();
    FanOut join = FanOut.newBuilder(first).setChildren(List.of()).setChildCount(total).build();
    joins.pending.put(joinId, join);
    if (first.getChildTimeoutMs() > 0 && total > 0) {
      joins.deadlines.put(JoinDeadlines.key(now() + first.getChildTimeoutMs(), joinId), joinId);
    }
    joins.counts.put(joinId, 0L);
    if (first.getChildren().size() < total) {
      joins.counts.put(JoinStores.receivedCountKey(joinId), 0L);
    }
    jobs.trees.addJoin(first.getRootAppId(), joinId);
    jobs.trees.addValues(first.getRootAppId(), first.getStored());
    addChildren(join, first, timestamp);
    if (total == 0) {
      completer.complete(context, jobs, joins, join, 0, timestamp, traceContext);
    }
  }

  /** Children {@code page} brings to {@code join}: recorded, then published (within its budget). */
  private void addChildren(FanOut join, FanOut page, long timestamp) {
    String joinId = join.getJoinId();
    int first = page.getFirstChild();
    List<Task> children = page.getChildren();
    List<String> appIds = children.stream().map(Task::getAppId).toList();
    if (joins.counts.get(JoinStores.receivedCountKey(joinId)) != null) {
      joins.counts.put(JoinStores.receivedCountKey(joinId), (long) first + children.size());
    }
    jobs.trees.addApps(join.getRootAppId(), appIds);
    // A join that may end before all its children report keeps their ids: to cancel the others.
    if (join.getJoinNeeded() > 0 || join.getChildTimeoutMs() > 0) {
      for (int i = 0; i < appIds.size(); i++) {
        joins.children.put(JoinStores.slot(joinId, first + i), appIds.get(i));
      }
    }
    for (Task child :
        JoinBudget.admit(
            joins, joinId, first, children, join.getMaxConcurrency(), join.getChildCount())) {
      emit(Sinks.TASKS, child.getAppId(), child, timestamp);
    }
    emit(
        Sinks.EVENTS,
        join.getParentAppId(),
        TrackingEvents.fannedOut(
            join.getParentAppId(),
            join.getParentSequenceId(),
            join.getParallelAction(),
            join.getRootAppId(),
            first,
            appIds,
            join.getChildCount(),
            Events.PROCESS,
            now()),
        timestamp);
  }
}
