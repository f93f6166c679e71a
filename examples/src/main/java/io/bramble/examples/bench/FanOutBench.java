package io.bramble.examples.bench;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.state.State;
import java.util.stream.LongStream;

/**
 * The application {@code bramble bench} times (registered as {@value #NAME}): one parallel step
 * fanning out to N children, each child {@code tick → tick → tick → done} (three no-op ticks
 * counted in {@code ticks}, then {@code done} writes {@code out = item * 2}); the reduce collects
 * {@code out} in task order and checks it. A job whose state holds a {@code document} hands it to
 * every child, whose {@code done} reads it (adds its length to {@code out}'s check): the cost of a
 * fan-out over a document.
 */
public final class FanOutBench {
  public static final String NAME = "bench_fanout";
  public static final String ENTRYPOINT = "fan_out";
  static final long TICKS = 3;

  private FanOutBench() {}

  public static RunnableGraph childGraph() {
    Action tick =
        Action.builder("tick")
            .reads("ticks")
            .writes("ticks")
            .update((s, in) -> s.increment("ticks"));
    Action done =
        Action.builder("done")
            .reads("item", "document")
            .writes("out", "document_length")
            .update(
                (s, in) ->
                    s.update(
                        "out",
                        s.getLong("item") * 2,
                        "document_length",
                        s.has("document") ? (long) s.getString("document").length() : 0L));
    Graph g =
        Graph.builder()
            .withActions(tick, done)
            .withTransition("tick", "tick", Condition.expr("ticks < " + TICKS))
            .withTransition("tick", "done")
            .build();
    return RunnableGraph.of(g, "tick", "done");
  }

  /** Child {@code i}'s state: its item, and the parent's document if it has one. */
  private static State child(State parent, long i) {
    State child = State.of("item", i, "ticks", 0L);
    return parent.has("document") ? child.update("document", parent.get("document")) : child;
  }

  public static Graph graph() {
    Action fanOut =
        MapStates.builder(ENTRYPOINT)
            .reads("children", "document")
            .writes("outs")
            .subGraph(childGraph())
            .states(
                (state, inputs) ->
                    LongStream.range(0, state.getLong("children"))
                        .mapToObj(i -> child(state, i))
                        .toList())
            .reduce(
                (state, children) -> {
                  long[] outs = new long[children.size()];
                  for (int i = 0; i < outs.length; i++) {
                    State c = children.get(i);
                    outs[i] = c.getLong("out");
                    if (outs[i] != 2L * i || c.getLong("ticks") != TICKS) {
                      throw new IllegalStateException(
                          "child "
                              + i
                              + " ended with out="
                              + outs[i]
                              + ", ticks="
                              + c.get("ticks")
                              + "; expected out="
                              + 2L * i
                              + ", ticks="
                              + TICKS);
                    }
                  }
                  return state.update("outs", LongStream.of(outs).boxed().toList());
                })
            .build();
    return Graph.builder().withActions(fanOut).build();
  }
}
