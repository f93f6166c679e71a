package io.bramble.coordinator;

import io.bramble.schemas.avro.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * A join's budget: a parallel action with {@code maxConcurrency} n has at most n children released
 * and not yet reported. The first n child tasks go out with the fan-out, the others wait in {@link
 * StoreNames#JOIN_QUEUED}, and each released child's result lets the next one out. Both counts live
 * in the coordinator's changelogged stores, so the budget holds across a coordinator restart.
 */
final class JoinBudget {
  private JoinBudget() {}

  /**
   * The child tasks of a new join to publish now, in child order; with a budget, those beyond it
   * are kept to be released later.
   */
  static List<Task> start(JoinStores joins, String joinId, List<Task> children, int budget) {
    if (budget <= 0 || budget >= children.size()) {
      return children;
    }
    for (int i = budget; i < children.size(); i++) {
      joins.queued.put(JoinStores.slot(joinId, i), children.get(i));
    }
    joins.counts.put(JoinStores.releasedCountKey(joinId), (long) budget);
    joins.counts.put(JoinStores.runningCountKey(joinId), (long) budget);
    return children.subList(0, budget);
  }

  /**
   * Child {@code index} of the join's {@code children} has reported: the queued child tasks now
   * within its budget, in child order, released. A child that reports before its turn (timed out
   * while queued) frees no place and is never released.
   */
  static List<Task> release(JoinStores joins, String joinId, int index, int children, int budget) {
    Long released = joins.counts.get(JoinStores.releasedCountKey(joinId));
    if (released == null) {
      return List.of();
    }
    long running = joins.counts.get(JoinStores.runningCountKey(joinId));
    if (index < released) {
      running--;
    } else {
      joins.queued.delete(JoinStores.slot(joinId, index));
    }
    List<Task> out = new ArrayList<>();
    long next = released;
    while (running < budget && next < children) {
      String slot = JoinStores.slot(joinId, (int) next);
      next++;
      Task task = joins.queued.get(slot);
      if (task != null) {
        joins.queued.delete(slot);
        out.add(task);
        running++;
      }
    }
    joins.counts.put(JoinStores.releasedCountKey(joinId), next);
    joins.counts.put(JoinStores.runningCountKey(joinId), running);
    return out;
  }

  /** The join is over: its budget's records go (children still queued, if any, never run). */
  static void forget(JoinStores joins, String joinId) {
    if (joins.counts.get(JoinStores.releasedCountKey(joinId)) == null) {
      return;
    }
    joins.counts.delete(JoinStores.releasedCountKey(joinId));
    joins.counts.delete(JoinStores.runningCountKey(joinId));
    JoinStores.deleteChildren(joins.queued, joinId);
  }
}
