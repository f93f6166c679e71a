package io.bramble.examples.registry;

import io.bramble.core.graph.Graph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.state.State;
import io.bramble.examples.collatz.Collatz;

/** The collatz graph by name, for distributed runs; by default over 80..99. */
public final class CollatzGraphProvider implements GraphProvider {
  private static final Graph GRAPH = Collatz.graph();

  @Override
  public String name() {
    return "collatz";
  }

  @Override
  public Graph graph() {
    return GRAPH;
  }

  @Override
  public String entrypoint() {
    return Collatz.ENTRYPOINT;
  }

  @Override
  public State defaultState() {
    return Collatz.initialState(Collatz.DEFAULT_FROM, Collatz.DEFAULT_TO);
  }
}
