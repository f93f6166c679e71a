package io.bramble.coordinator;

import io.bramble.schemas.avro.Task;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * A join's budget: a parallel action with {@code maxConcurrency} n has at most n children released
 * and not yet reported. The first n child tasks go out with the fan-out, the others wait in {@link
 * StoreNames#JOIN_QUEUED}, and each released child's result lets the next one out. Both counts live
 * in the coordinator's changelogged stores, so the budget holds across a coordinator restart.
 */
final class JoinBudget {
  private JoinBudget() {}

  /** The join-counts key of how many children were released; absent for a join without budget. */
  static String releasedCountKey(String joinId) {
    return joinId + "#released";
  }

  /**
   * The child tasks of a new join to publish now, in child order; with a budget, those beyond it
   * are kept to be released later.
   */
  static List<Task> start(
      ProcessorContext<String, Object> context, String joinId, List<Task> children, int budget) {
    if (budget <= 0 || budget >= children.size()) {
      return children;
    }
    KeyValueStore<String, Long> counts = context.getStateStore(StoreNames.JOIN_COUNTS);
    KeyValueStore<String, Task> queued = context.getStateStore(StoreNames.JOIN_QUEUED);
    for (int i = budget; i < children.size(); i++) {
      queued.put(JoinCompleter.resultKey(joinId, i), children.get(i));
    }
    counts.put(releasedCountKey(joinId), (long) budget);
    counts.put(runningCountKey(joinId), (long) budget);
    return children.subList(0, budget);
  }

  /** The join-counts key of how many released children have not reported yet. */
  static String runningCountKey(String joinId) {
    return joinId + "#running";
  }

  /**
   * Child {@code index} of the join's {@code children} has reported: the queued child tasks now
   * within its budget, in child order, released. A child that reports before its turn (timed out
   * while queued) frees no place and is never released.
   */
  static List<Task> release(
      ProcessorContext<String, Object> context,
      String joinId,
      int index,
      int children,
      int budget) {
    KeyValueStore<String, Long> counts = context.getStateStore(StoreNames.JOIN_COUNTS);
    Long released = counts.get(releasedCountKey(joinId));
    if (released == null) {
      return List.of();
    }
    KeyValueStore<String, Task> queued = context.getStateStore(StoreNames.JOIN_QUEUED);
    long running = counts.get(runningCountKey(joinId));
    if (index < released) {
      running--;
    } else {
      queued.delete(JoinCompleter.resultKey(joinId, index));
    }
    List<Task> out = new ArrayList<>();
    long next = released;
    while (running < budget && next < children) {
      String slot = JoinCompleter.resultKey(joinId, (int) next);
      next++;
      Task task = queued.get(slot);
      if (task != null) {
        queued.delete(slot);
        out.add(task);
        running++;
      }
    }
    counts.put(releasedCountKey(joinId), next);
    counts.put(runningCountKey(joinId), running);
    return out;
  }

  /** The join is over: its budget's records go (children still queued, if any, never run). */
  static void forget(ProcessorContext<String, Object> context, String joinId) {
    KeyValueStore<String, Long> counts = context.getStateStore(StoreNames.JOIN_COUNTS);
    if (counts.get(releasedCountKey(joinId)) == null) {
      return;
    }
    counts.delete(releasedCountKey(joinId));
    counts.delete(runningCountKey(joinId));
    KeyValueStore<String, Task> queued = context.getStateStore(StoreNames.JOIN_QUEUED);
    List<String> left = new ArrayList<>();
    try (KeyValueIterator<String, Task> it = queued.range(joinId + "/", joinId + "/~")) {
      it.forEachRemaining(kv -> left.add(kv.key));
    }
    left.forEach(queued::delete);
  }
}
