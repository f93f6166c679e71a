package io.bramble.devcluster;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.ParallelAction;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.state.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;

/** Graphs the distributed tests run: a wide fan-out and a nested one. */
final class TestGraphs {
  private TestGraphs() {}

  /**
   * prepare → fan_out (n children: tick ×3 → done, out = item * 2, sleeping sleep_ms per tick) →
   * summarize.
   */
  static final class FanOut implements GraphProvider {
    private final Graph graph = build();

    @Override
    public String name() {
      return "fanout";
    }

    @Override
    public Graph graph() {
      return graph;
    }

    @Override
    public String entrypoint() {
      return "prepare";
    }

    private static Graph build() {
      Action tick =
          Action.builder("tick")
              .reads("ticks", "sleep_ms")
              .writes("ticks")
              .update(
                  (s, in) -> {
                    long sleep = s.getLong("sleep_ms");
                    if (sleep > 0) {
                      Thread.sleep(sleep);
                    }
                    EXECUTIONS.add(s.get("item") + "#" + s.get("ticks"));
                    return s.increment("ticks");
                  });
      Action done =
          Action.builder("done")
              .reads("item")
              .writes("out")
              .update((s, in) -> s.update("out", s.getLong("item") * 2));
      Graph child =
          Graph.builder()
              .withActions(tick, done)
              .withTransition("tick", "tick", Condition.expr("ticks < 3"))
              .withTransition("tick", "done")
              .build();
      Action prepare =
          Action.builder("prepare")
              .reads("n")
              .writes("items")
              .update(
                  (s, in) ->
                      s.update("items", LongStream.range(0, s.getLong("n")).boxed().toList()));
      ParallelAction fanOut =
          MapStates.builder("fan_out")
              .reads("items", "sleep_ms")
              .writes("outs")
              .subGraph(RunnableGraph.of(child, "tick", "done"))
              .states(
                  (s, in) -> {
                    List<State> states = new ArrayList<>();
                    for (Long item : s.<Long>getList("items")) {
                      states.add(State.of("item", item, "ticks", 0, "sleep_ms", s.get("sleep_ms")));
                    }
                    return states;
                  })
              .reduce(
                  (s, children) ->
                      s.update("outs", children.stream().map(c -> c.get("out")).toList()))
              .build();
      Action summarize =
          Action.builder("summarize")
              .reads("outs")
              .writes("sum")
              .update(
                  (s, in) ->
                      s.update(
                          "sum",
                          s.<Long>getList("outs").stream().mapToLong(Long::longValue).sum()));
      return Graph.builder()
          .withActions(prepare, fanOut, summarize)
          .withTransition("prepare", "fan_out")
          .withTransition("fan_out", "summarize")
          .build();
    }
  }

  /** Every step of the fan-out graph's children, as "appId#sequenceId", in the order they ran. */
  static final Queue<String> EXECUTIONS = new ConcurrentLinkedQueue<>();

  /**
   * Two children that each run one counted step; child 1 then fails, so the job fails and keeps its
   * checkpoints (a failed job can be retried), while child 0's task has completed.
   */
  static final class Counted implements GraphProvider {
    static final Map<Long, AtomicInteger> RUNS = new ConcurrentHashMap<>();
    private final Graph graph = build();

    private static Graph build() {
      Action count =
          Action.builder("count")
              .reads("item")
              .writes("counted")
              .update(
                  (s, in) -> {
                    long item = s.getLong("item");
                    int runs =
                        RUNS.computeIfAbsent(item, k -> new AtomicInteger()).incrementAndGet();
                    if (item == 1) {
                      throw new IllegalStateException("child 1 always fails");
                    }
                    return s.update("counted", (long) runs);
                  });
      ParallelAction both =
          MapStates.builder("both")
              .writes("counts")
              .action(count)
              .states((s, in) -> List.of(State.of("item", 0), State.of("item", 1)))
              .reduce(
                  (s, children) ->
                      s.update("counts", children.stream().map(c -> c.get("counted")).toList()))
              .build();
      return Graph.builder().withActions(both).build();
    }

    @Override
    public String name() {
      return "counted";
    }

    @Override
    public Graph graph() {
      return graph;
    }

    @Override
    public String entrypoint() {
      return "both";
    }
  }

  /** outer maps over groups; each group's child maps over its numbers (double each). */
  static final class Nested implements GraphProvider {
    private final Graph graph = build();

    @Override
    public String name() {
      return "nested";
    }

    @Override
    public Graph graph() {
      return graph;
    }

    @Override
    public String entrypoint() {
      return "outer";
    }

    private static Graph build() {
      Action twice =
          Action.builder("twice")
              .reads("x")
              .writes("y")
              .update((s, in) -> s.update("y", s.getLong("x") * 2));
      ParallelAction inner =
          MapStates.builder("inner")
              .reads("xs")
              .writes("ys")
              .action(twice)
              .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
              .reduce(
                  (s, children) -> s.update("ys", children.stream().map(c -> c.get("y")).toList()))
              .build();
      Action total =
          Action.builder("total")
              .reads("ys")
              .writes("total")
              .update(
                  (s, in) ->
                      s.update(
                          "total",
                          s.<Long>getList("ys").stream().mapToLong(Long::longValue).sum()));
      Graph group =
          Graph.builder().withActions(inner, total).withTransition("inner", "total").build();
      ParallelAction outer =
          MapStates.builder("outer")
              .reads("groups")
              .writes("results")
              .subGraph(RunnableGraph.of(group, "inner", "total"))
              .states(
                  (s, in) ->
                      s.<List<Long>>getList("groups").stream().map(g -> State.of("xs", g)).toList())
              .reduce(
                  (s, children) ->
                      s.update(
                          "results",
                          children.stream()
                              .map(c -> List.of(c.get("ys"), c.get("total")))
                              .toList()))
              .build();
      return Graph.builder().withActions(outer).build();
    }
  }
}
