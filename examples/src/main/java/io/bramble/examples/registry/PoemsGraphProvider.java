package io.bramble.examples.registry;

import io.bramble.core.graph.Graph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.examples.poems.PoemModels;
import io.bramble.examples.poems.Poems;

/** The poems graph by name, for distributed runs; its model comes from the environment. */
public final class PoemsGraphProvider implements GraphProvider {
  private Graph graph;

  @Override
  public String name() {
    return "poems";
  }

  @Override
  public synchronized Graph graph() {
    if (graph == null) {
      graph = Poems.graph(PoemModels.fromEnvironment());
    }
    return graph;
  }

  @Override
  public String entrypoint() {
    return Poems.ENTRYPOINT;
  }
}
