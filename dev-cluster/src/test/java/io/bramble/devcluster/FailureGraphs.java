package io.bramble.devcluster;

import io.bramble.core.action.Action;
import io.bramble.core.action.RetryPolicy;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.state.State;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

/** Graphs whose user code fails in the ways the failure-handling tests need. */
final class FailureGraphs {
  private FailureGraphs() {}

  static GraphProvider provider(String name, Graph graph, String entrypoint) {
    return GraphProvider.of(name, graph, entrypoint);
  }

  /** needs_input: one action that requires the input "who". */
  static GraphProvider needsInput() {
    Action greet =
        Action.builder("greet")
            .inputs("who")
            .writes("greeting")
            .update((s, in) -> s.update("greeting", "hello " + in.get("who")));
    return provider("needs_input", Graph.builder().withActions(greet).build(), "greet");
  }

  /**
   * too_big: writes 100 strings of "size" characters under p0…p99: each below the value store's
   * threshold (so none travels by reference), too large for a record together.
   */
  static GraphProvider tooBig() {
    String[] parts = IntStream.range(0, 100).mapToObj(i -> "p" + i).toArray(String[]::new);
    Action grow =
        Action.builder("grow")
            .reads("size")
            .writes(parts)
            .update(
                (s, in) -> {
                  State grown = s;
                  for (String part : parts) {
                    grown = grown.update(part, "x".repeat((int) s.getLong("size")));
                  }
                  return grown;
                });
    return provider("too_big", Graph.builder().withActions(grow).build(), "grow");
  }

  /** bad_map: the parallel action's map throws. */
  static GraphProvider badMap() {
    Action leaf = Action.builder("leaf").writes("y").update((s, in) -> s.update("y", 1));
    var map =
        MapStates.builder("map")
            .writes("ys")
            .subGraph(RunnableGraph.of(leaf))
            .states(
                (s, in) -> {
                  throw new IllegalArgumentException("the map cannot split this state");
                })
            .reduce((s, cs) -> s.update("ys", List.of()))
            .build();
    return provider("bad_map", Graph.builder().withActions(map).build(), "map");
  }

  /** bad_reduce: the parallel action's reduce throws. */
  static GraphProvider badReduce() {
    Action leaf = Action.builder("leaf").writes("y").update((s, in) -> s.update("y", 1));
    var map =
        MapStates.builder("map")
            .writes("ys")
            .subGraph(RunnableGraph.of(leaf))
            .states((s, in) -> List.of(State.empty(), State.empty()))
            .reduce(
                (s, cs) -> {
                  throw new IllegalStateException("the reduce refuses these children");
                })
            .build();
    return provider("bad_reduce", Graph.builder().withActions(map).build(), "map");
  }

  /** Tries of each child's "work" action, by item. */
  static final Map<Long, AtomicInteger> TRIES = new ConcurrentHashMap<>();

  /**
   * retrying: children 0..4; child 1 fails twice then succeeds (child retry 3 attempts); child 3
   * always fails, and the failure-tolerant reduce records it.
   */
  static GraphProvider retrying() {
    Action work =
        Action.builder("work")
            .reads("item")
            .writes("out")
            .update(
                (s, in) -> {
                  long item = s.getLong("item");
                  int tries =
                      TRIES.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
                  if (item == 3 || item == 1 && tries <= 2) {
                    throw new IllegalStateException("item " + item + " failed on try " + tries);
                  }
                  return s.update("out", item * 100);
                });
    var map =
        MapStates.builder("map")
            .writes("outs", "failed")
            .subGraph(RunnableGraph.of(work))
            .states((s, in) -> LongStream.range(0, 5).mapToObj(i -> State.of("item", i)).toList())
            .childRetry(
                RetryPolicy.attempts(3).backoff(Duration.ofMillis(10), 2, Duration.ofMillis(50)))
            .reduce(
                (s, cs) ->
                    s.update("outs", cs.stream().map(c -> c.get("out")).toList())
                        .update("failed", List.of()))
            .reduceWithFailures(
                (s, ok, failures) ->
                    s.update("outs", ok.stream().map(c -> c.get("out")).toList())
                        .update(
                            "failed",
                            failures.stream()
                                .map(f -> Map.of("index", (long) f.index(), "message", f.message()))
                                .toList()))
            .build();
    return provider("retrying", Graph.builder().withActions(map).build(), "map");
  }
}
