package io.bramble.examples.registry;

import io.bramble.core.graph.Graph;
import io.bramble.core.registry.GraphParameter;
import io.bramble.core.registry.GraphParameter.Type;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphSetting;
import io.bramble.core.state.State;
import io.bramble.examples.poems.PoemModel;
import io.bramble.examples.poems.PoemModels;
import io.bramble.examples.poems.Poems;
import java.util.List;
import java.util.function.Supplier;

/** The poems graph by name, for distributed runs; its model comes from the environment. */
public final class PoemsGraphProvider implements GraphProvider {
  private final Supplier<PoemModel> model;
  private Graph graph;

  /**
   * The poems graph on the model the environment chooses ({@link PoemModels#fromEnvironment()}).
   */
  public PoemsGraphProvider() {
    this(PoemModels::fromEnvironment);
  }

  /** The poems graph on {@code model}. */
  public PoemsGraphProvider(PoemModel model) {
    this(() -> model);
  }

  private PoemsGraphProvider(Supplier<PoemModel> model) {
    this.model = model;
  }

  @Override
  public String name() {
    return "poems";
  }

  @Override
  public synchronized Graph graph() {
    if (graph == null) {
      graph = Poems.graph(model.get());
    }
    return graph;
  }

  @Override
  public String entrypoint() {
    return Poems.ENTRYPOINT;
  }

  @Override
  public List<GraphSetting> settings() {
    return List.of(PoemModels.OFFLINE_PACE_SETTING);
  }

  @Override
  public List<GraphParameter> parameters() {
    return List.of(
        GraphParameter.input(
            "subject", "poem_subject", Type.TEXT, "the sea", "What the poems are about"),
        GraphParameter.input(
            "types",
            "poem_types",
            Type.LIST,
            "sonnet,limerick,haiku",
            "Comma-separated poem types"),
        GraphParameter.input(
                "max-drafts", "max_drafts", Type.INTEGER, "2", "At most this many drafts per poem")
            .atLeast(1));
  }

  @Override
  public List<String> resultKeys() {
    return Poems.RESULT_KEYS;
  }

  @Override
  public String childLabel(State child) {
    return child.has("poem_type") ? String.valueOf(child.get("poem_type")) : null;
  }

  @Override
  public String summary(State end) {
    return end.has("final_results") ? end.getString("final_results") : null;
  }
}
