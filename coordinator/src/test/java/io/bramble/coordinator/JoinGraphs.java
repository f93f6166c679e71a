package io.bramble.coordinator;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.state.State;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/** Graphs for the topology's rules: one fan-out, a failing child, and a join inside a child. */
final class JoinGraphs {
  private JoinGraphs() {}

  /** {@code x → y = x²}, refusing a negative x. */
  static final Action SQUARE =
      Action.builder("square")
          .reads("x")
          .writes("y")
          .update(
              (s, in) -> {
                long x = s.getLong("x");
                if (x < 0) {
                  throw new IllegalArgumentException("cannot square a negative x: " + x);
                }
                return s.update("y", x * x);
              });

  /**
   * One child per element of {@code xs}; the reduce lists the children's {@code y} in task order.
   */
  static Action squares() {
    return MapStates.builder("squares")
        .reads("xs")
        .writes("ys")
        .subGraph(RunnableGraph.of(SQUARE))
        .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
        .reduce((s, children) -> s.update("ys", children.stream().map(c -> c.get("y")).toList()))
        .build();
  }

  /**
   * As {@link #sumOfSquares()}, but every child fails while {@code down} is set (a model that is
   * unavailable, say).
   */
  static Graph flakySumOfSquares(AtomicBoolean down) {
    Action square =
        Action.builder("square")
            .reads("x")
            .writes("y")
            .update(
                (s, in) -> {
                  if (down.get()) {
                    throw new IllegalStateException("the squaring service is down");
                  }
                  return s.update("y", s.getLong("x") * s.getLong("x"));
                });
    Action squares =
        MapStates.builder("squares")
            .reads("xs")
            .writes("ys")
            .subGraph(RunnableGraph.of(square))
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) -> s.update("ys", children.stream().map(c -> c.get("y")).toList()))
            .build();
    return Graph.builder().withActions(squares, TOTAL).withTransition("squares", "total").build();
  }

  static final Action TOTAL =
      Action.builder("total")
          .reads("ys")
          .writes("total")
          .update(
              (s, in) ->
                  s.update(
                      "total", s.<Long>getList("ys").stream().mapToLong(Long::longValue).sum()));

  /** squares → total: the sum of the squares of {@code xs}. */
  static Graph sumOfSquares() {
    return Graph.builder().withActions(squares(), TOTAL).withTransition("squares", "total").build();
  }

  /**
   * One child per group of {@code groups}, each itself a sum of squares; the reduce lists their
   * totals.
   */
  static Graph nested() {
    Action groups =
        MapStates.builder("groups")
            .reads("groups")
            .writes("totals")
            .subGraph(RunnableGraph.of(sumOfSquares(), "squares"))
            .states(
                (s, in) ->
                    s.<List<Long>>getList("groups").stream().map(g -> State.of("xs", g)).toList())
            .reduce(
                (s, children) ->
                    s.update("totals", children.stream().map(c -> c.get("total")).toList()))
            .build();
    return Graph.builder().withActions(groups).build();
  }

  /**
   * One child per element of {@code xs}: {@code check} (y = x) then {@code approve} (approved = the
   * input {@code ok}, true when not given); the reduce lists the children's approvals.
   */
  static Graph reviews() {
    Action check =
        Action.builder("check")
            .reads("x")
            .writes("y")
            .update((s, in) -> s.update("y", s.getLong("x")));
    Action approve =
        Action.builder("approve")
            .reads("y")
            .writes("approved")
            .optionalInputs("ok")
            .update((s, in) -> s.update("approved", (Boolean) in.getOrDefault("ok", true)));
    Graph child =
        Graph.builder().withActions(check, approve).withTransition("check", "approve").build();
    Action reviews =
        MapStates.builder("reviews")
            .reads("xs")
            .writes("approvals")
            .subGraph(RunnableGraph.of(child, "check"))
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) ->
                    s.update("approvals", children.stream().map(c -> c.get("approved")).toList()))
            .build();
    return Graph.builder().withActions(reviews).build();
  }

  static GraphProvider provider(String name, Graph graph, String entrypoint) {
    return GraphProvider.of(name, graph, entrypoint);
  }
}
