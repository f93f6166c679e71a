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
 */
final class FanOutProcessor extends DecodingProcessor<FanOut> {
  private final JoinCompleter completer;

  FanOutProcessor(DecodedDeserializer<FanOut> decoder, JoinCompleter completer, Tracing tracing) {
    super(decoder, tracing);
    this.completer = completer;
  }

  @Override
  void process(String parentAppId, FanOut fanOut, long timestamp) {
    String joinId = fanOut.getJoinId();
    Long doneFor = joins.done.get(joinId);
    if (joins.pending.get(joinId) != null
        || (doneFor != null && doneFor >= fanOut.getRequestedAtMs())) {
      return; // delivered again; a later request's (a retry's) opens the join again
    }
    Span span = startSpan("bramble.fan-out " + fanOut.getParallelAction(), parentAppId);
    try {
      fanOut(parentAppId, fanOut, timestamp);
    } finally {
      span.end();
    }
  }

  private void fanOut(String parentAppId, FanOut fanOut, long timestamp) {
    String joinId = fanOut.getJoinId();
    List<Task> children = fanOut.getChildren();
    // A join that may end before all its children report keeps them: to cancel the others.
    boolean endsEarly = fanOut.getJoinNeeded() > 0 || fanOut.getChildTimeoutMs() > 0;
    FanOut pending = endsEarly ? fanOut : FanOut.newBuilder(fanOut).setChildren(List.of()).build();
    joins.pending.put(joinId, pending);
    if (fanOut.getChildTimeoutMs() > 0 && !children.isEmpty()) {
      joins.deadlines.put(JoinDeadlines.key(now() + fanOut.getChildTimeoutMs(), joinId), joinId);
    }
    joins.counts.put(joinId, 0L);
    jobs.trees.addJoin(
        fanOut.getRootAppId(), joinId, children.stream().map(Task::getAppId).toList());
    jobs.trees.addValues(fanOut.getRootAppId(), fanOut.getStored());
    for (Task child : JoinBudget.start(joins, joinId, children, fanOut.getMaxConcurrency())) {
      emit(Sinks.TASKS, child.getAppId(), child, timestamp);
    }
    emit(
        Sinks.EVENTS,
        parentAppId,
        TrackingEvents.fannedOut(
            parentAppId,
            fanOut.getParentSequenceId(),
            fanOut.getParallelAction(),
            fanOut.getRootAppId(),
            children.stream().map(Task::getAppId).toList(),
            Events.PROCESS,
            now()),
        timestamp);
    if (children.isEmpty()) {
      completer.complete(context, jobs, joins, pending, 0, timestamp, traceContext);
    }
  }
}
