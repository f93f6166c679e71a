package io.bramble.coordinator;

import io.bramble.schemas.avro.Task;
import java.util.ArrayList;
import java.util.List;

/**
 * A join's budget: a parallel action with {@code maxConcurrency} n has at most n children released
 * and not yet reported. Children are released in child order as they arrive while fewer than n run;
 * the others wait in {@link StoreNames#JOIN_QUEUED}, and each released child's result lets the next
 * one out. Both counts live in the coordinator's changelogged stores, so the budget holds across a
 * coordinator restart.
 */
final class JoinBudget {
  private JoinBudget() {}

  /**
   * Of the child tasks just received ({@code children}, from index {@code first}; a wide fan-out
   * arrives in several records), those to publish now, in child order; with a budget, those beyond
   * it are kept to be released later.
   */
  static List<Task> admit(
      JoinStores joins, String joinId, int first, List<Task> children, int budget, int total) {
    if (budget <= 0 || budget >= total) {
      return children;
    }
    Long releasedBefore = joins.counts.get(JoinStores.releasedCountKey(joinId));
    long released = releasedBefore == null ? 0 : releasedBefore;
    long running =
        releasedBefore == null ? 0 : joins.counts.get(JoinStores.runningCountKey(joinId));
    List<Task> out = new ArrayList<>();
    for (int i = 0; i < children.size(); i++) {
      if (first + i == released && running < budget) {
        out.add(children.get(i));
        released++;
        running++;
      } else {
        joins.queued.put(JoinStores.slot(joinId, first + i), children.get(i));
      }
    }
    joins.counts.put(JoinStores.releasedCountKey(joinId), released);
    joins.counts.put(JoinStores.runningCountKey(joinId), running);
    return out;
  }

  /**
   * Child {@code index} of the join has reported: the queued child tasks now within its budget (of
   * the {@code received} so far), in child order, released. A child that reports before its turn
   * (timed out while queued) frees no place and is never released.
   */
  static List<Task> release(JoinStores joins, String joinId, int index, int received, int budget) {
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
    while (running < budget && next < received) {
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
