package io.bramble.coordinator;

import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.TaskResult;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Ends a join: reduces, forwards the parent's continuation task or result, and replaces the
 * join's records with a done marker (so redeliveries are recognised and the store stays small).
 * A join that failed gets no marker: a retry of the job fans out the same join again.
 */
final class JoinCompleter {
  private final JoinReducer reducer;
  private final CoordinatorMetrics metrics;

  JoinCompleter(JoinReducer reducer, CoordinatorMetrics metrics) {
    this.reducer = reducer;
    this.metrics = metrics;
  }

  /** The store key of child {@code index}'s result: sorts in child order. */
  static String resultKey(String joinId, int index) {
    return joinId + "/" + String.format("%08d", index);
  }

  /** The results stored for {@code joinId}, in child order, removed from the store. */
  static List<TaskResult> takeResults(KeyValueStore<String, TaskResult> results, String joinId) {
    List<TaskResult> list = new java.util.ArrayList<>();
    List<String> keys = new java.util.ArrayList<>();
    try (KeyValueIterator<String, TaskResult> it = results.range(joinId + "/", joinId + "/~")) {
      while (it.hasNext()) {
        KeyValue<String, TaskResult> kv = it.next();
        keys.add(kv.key);
        list.add(kv.value);
      }
    }
    keys.forEach(results::delete);
    return list;
  }

  void complete(ProcessorContext<String, Object> context, FanOut join, List<TaskResult> results, long timestamp) {
    KeyValueStore<String, FanOut> joins = context.getStateStore(StoreNames.JOINS);
    KeyValueStore<String, Long> counts = context.getStateStore(StoreNames.JOIN_COUNTS);
    KeyValueStore<String, Long> done = context.getStateStore(StoreNames.JOINS_DONE);
    joins.delete(join.getJoinId());
    counts.delete(join.getJoinId());
    JoinReducer.Completion c = reducer.complete(join, results);
    for (var event : c.events()) {
      context.forward(new Record<>(event.getAppId(), (Object) event, timestamp), Sinks.EVENTS);
    }
    boolean succeeded = c.continuation() != null || c.parentResult().getStatus() == ResultStatus.COMPLETED;
    if (succeeded) {
      done.put(join.getJoinId(), System.currentTimeMillis());
    }
    metrics.joinFinished(join, succeeded);
    if (c.continuation() != null) {
      context.forward(new Record<>(join.getParentAppId(), (Object) c.continuation(), timestamp), Sinks.TASKS);
    } else {
      TaskResult r = c.parentResult();
      context.forward(new Record<>(JoinReducer.resultKey(r), (Object) r, timestamp), Sinks.RESULTS);
    }
    context.forward(new Record<>(join.getParentAppId(), (Object) Events.of(join.getParentAppId(), EventKind.JOIN_PROGRESS,
        join.getParentSequenceId(), join.getParallelAction(), Map.of("done", results.size(), "total", results.size(),
            "reduced", true, "root_app_id", join.getRootAppId())), timestamp), Sinks.EVENTS);
  }
}
