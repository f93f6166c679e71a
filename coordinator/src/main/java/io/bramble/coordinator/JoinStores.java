package io.bramble.coordinator;

import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What the coordinator keeps of joins (see {@link StoreNames} for each store), and the keys it
 * keeps them under: a join's records by its id, a child's by its slot ({@link #slot}: join id and
 * child index, sorting in child order).
 */
final class JoinStores {
  final KeyValueStore<String, FanOut> pending;
  final KeyValueStore<String, TaskResult> results;
  final KeyValueStore<String, Long> counts;
  final KeyValueStore<String, Long> done;
  final KeyValueStore<String, TaskResult> waiting;
  final KeyValueStore<String, Task> queued;
  final KeyValueStore<String, String> deadlines;
  final KeyValueStore<String, Long> moves;
  final KeyValueStore<String, String> children;

  JoinStores(ProcessorContext<?, ?> context) {
    pending = context.getStateStore(StoreNames.JOINS);
    results = context.getStateStore(StoreNames.JOIN_RESULTS);
    counts = context.getStateStore(StoreNames.JOIN_COUNTS);
    done = context.getStateStore(StoreNames.JOINS_DONE);
    waiting = context.getStateStore(StoreNames.JOIN_WAITING);
    queued = context.getStateStore(StoreNames.JOIN_QUEUED);
    deadlines = context.getStateStore(StoreNames.JOIN_DEADLINES);
    moves = context.getStateStore(StoreNames.MOVES);
    children = context.getStateStore(StoreNames.JOIN_CHILDREN);
  }

  /** The key of child {@code index} of join {@code joinId} in the per-child stores. */
  static String slot(String joinId, int index) {
    return joinId + "/" + String.format("%08d", index);
  }

  /**
   * The counts key of how many of a join's children wait (halted); absent until one does, so a join
   * without halts reads one cached key per result and writes none.
   */
  static String waitingCountKey(String joinId) {
    return joinId + "#waiting";
  }

  /**
   * The counts key of the latest request a child's report followed from, when later than the join's
   * own (a resume); absent until one is.
   */
  static String latestRequestKey(String joinId) {
    return joinId + "#latest";
  }

  /** The counts key of how many children completed; kept only for a join that ends early. */
  static String completedCountKey(String joinId) {
    return joinId + "#completed";
  }

  /**
   * The counts key of how many children the coordinator has received of a fan-out sent in several
   * records; absent for one sent as one.
   */
  static String receivedCountKey(String joinId) {
    return joinId + "#received";
  }

  /**
   * How many of {@code join}'s children the coordinator has received so far (all of a join kept
   * before joins had a child count, whose fan-out was one record).
   */
  int received(FanOut join) {
    Long received = counts.get(receivedCountKey(join.getJoinId()));
    if (received != null) {
      return received.intValue();
    }
    return join.getChildCount() < 0 ? Integer.MAX_VALUE : join.getChildCount();
  }

  /** The counts key of how many children a budget released; absent for a join without one. */
  static String releasedCountKey(String joinId) {
    return joinId + "#released";
  }

  /** The counts key of how many released children have not reported yet. */
  static String runningCountKey(String joinId) {
    return joinId + "#running";
  }

  /**
   * The done-store key of how many steps a join's children added to their job's count when it
   * completed, so that completing it again (a retry) replaces them instead of adding them twice.
   */
  static String stepsKey(String joinId) {
    return joinId + "#steps";
  }

  /** What {@code store} holds for {@code joinId}'s children, in child order. */
  static <T> List<T> childrenOf(KeyValueStore<String, T> store, String joinId) {
    List<T> list = new ArrayList<>();
    try (KeyValueIterator<String, T> it = store.range(joinId + "/", joinId + "/~")) {
      it.forEachRemaining(kv -> list.add(kv.value));
    }
    return list;
  }

  /** Removes every child record of {@code joinId} from {@code store}. */
  static void deleteChildren(KeyValueStore<String, ?> store, String joinId) {
    List<String> keys = new ArrayList<>();
    try (KeyValueIterator<String, ?> it = store.range(joinId + "/", joinId + "/~")) {
      it.forEachRemaining(kv -> keys.add(kv.key));
    }
    keys.forEach(store::delete);
  }
}
