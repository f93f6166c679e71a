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
 * {@code out} in task order and checks it.
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
            .reads("item")
            .writes("out")
            .update((s, in) -> s.update("out", s.getLong("item") * 2));
    Graph g =
        Graph.builder()
            .withActions(tick, done)
            .withTransition("tick", "tick", Condition.expr("ticks < " + TICKS))
            .withTransition("tick", "done")
            .build();
    return RunnableGraph.of(g, "tick", "done");
  }

  public static Graph graph() {
    Action fanOut =
        MapStates.builder(ENTRYPOINT)
            .reads("children")
            .writes("outs")
            .subGraph(childGraph())
            .states(
                (state, inputs) ->
                    LongStream.range(0, state.getLong("children"))
                        .mapToObj(i -> State.of("item", i, "ticks", 0L))
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
