package io.bramble.examples.registry;

import io.bramble.core.graph.Graph;
import io.bramble.core.registry.GraphParameter;
import io.bramble.core.registry.GraphParameter.Type;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.state.State;
import io.bramble.examples.embeddings.Embeddings;
import java.util.List;

/** The embeddings graph by name: documents indexed, each one's {@code embed} step in pool gpu. */
public final class EmbeddingsGraphProvider implements GraphProvider {
  private static final Graph GRAPH = Embeddings.graph();

  @Override
  public String name() {
    return "embeddings";
  }

  @Override
  public Graph graph() {
    return GRAPH;
  }

  @Override
  public String entrypoint() {
    return Embeddings.ENTRYPOINT;
  }

  @Override
  public State defaultState() {
    return Embeddings.initialState(Embeddings.DEFAULT_DOCUMENTS, 0);
  }

  @Override
  public List<GraphParameter> parameters() {
    return List.of(
        GraphParameter.state(
            "documents",
            "documents",
            Type.LIST,
            String.join(",", Embeddings.DEFAULT_DOCUMENTS),
            "Documents to index"),
        GraphParameter.state(
                "embed-ms", "embed_ms", Type.INTEGER, "0", "How long each embedding takes (ms)")
            .atLeast(0));
  }

  @Override
  public List<String> resultKeys() {
    return Embeddings.RESULT_KEYS;
  }

  @Override
  public String childLabel(State child) {
    return String.valueOf(child.get("document"));
  }
}
