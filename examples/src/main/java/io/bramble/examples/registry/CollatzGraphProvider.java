package io.bramble.examples.registry;

import io.bramble.core.graph.Graph;
import io.bramble.core.registry.GraphParameter;
import io.bramble.core.registry.GraphParameter.Type;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.state.State;
import io.bramble.examples.collatz.Collatz;
import java.util.List;

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

  @Override
  public List<GraphParameter> parameters() {
    return List.of(
        GraphParameter.state(
                "from", "from", Type.INTEGER, "" + Collatz.DEFAULT_FROM, "First starting number")
            .atLeast(1),
        GraphParameter.state(
                "to", "to", Type.INTEGER, "" + Collatz.DEFAULT_TO, "Last starting number, included")
            .atLeast(1));
  }

  @Override
  public List<String> resultKeys() {
    return Collatz.RESULT_KEYS;
  }

  @Override
  public String childLabel(State child) {
    return "n=" + child.get("n");
  }
}
