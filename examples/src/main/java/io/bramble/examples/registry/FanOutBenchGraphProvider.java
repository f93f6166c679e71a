package io.bramble.examples.registry;

import io.bramble.core.graph.Graph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.state.State;
import io.bramble.examples.bench.FanOutBench;

/**
 * The benchmark's fan-out by name, so every process of a cluster can run it; 100 children by
 * default.
 */
public final class FanOutBenchGraphProvider implements GraphProvider {
  private static final Graph GRAPH = FanOutBench.graph();

  @Override
  public String name() {
    return FanOutBench.NAME;
  }

  @Override
  public Graph graph() {
    return GRAPH;
  }

  @Override
  public String entrypoint() {
    return FanOutBench.ENTRYPOINT;
  }

  @Override
  public State defaultState() {
    return State.of("children", 100L);
  }
}
