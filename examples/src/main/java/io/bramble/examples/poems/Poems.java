package io.bramble.examples.poems;

import io.bramble.core.action.Action;
import io.bramble.core.action.Input;
import io.bramble.core.action.StepAction;
import io.bramble.core.action.StreamingAction;
import io.bramble.core.application.Application;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.state.State;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The article's example: one poem per type, each written by its own write/edit loop, in parallel.
 *
 * <pre>
 * user_input → generate_all_poems → final_results
 *                 │ one child per poem type (MapStates):
 *                 └ write ⇄ edit → final_draft
 * </pre>
 *
 * A child writes a draft, and the editor reviews it while fewer than {@code max_drafts} drafts
 * exist; the loop ends when the editor has no more feedback or the last allowed draft is written.
 */
public final class Poems {
  public static final String ENTRYPOINT = "user_input";

  /** The keys the run's final state is about (internal keys aside). */
  public static final List<String> RESULT_KEYS =
      List.of("poem_types", "poem_subject", "max_drafts", "proposals", "final_results");

  private Poems() {}

  /** The inputs {@code user_input} takes. */
  public static Map<String, Object> inputs(List<String> poemTypes, String subject, int maxDrafts) {
    if (poemTypes.isEmpty()) {
      throw new IllegalArgumentException("give at least one poem type");
    }
    if (subject == null || subject.isBlank()) {
      throw new IllegalArgumentException("give a poem subject");
    }
    if (maxDrafts < 1) {
      throw new IllegalArgumentException("max drafts must be at least 1, got " + maxDrafts);
    }
    Map<String, Object> in = new LinkedHashMap<>();
    in.put("poem_types", List.copyOf(poemTypes));
    in.put("poem_subject", subject);
    in.put("max_drafts", (long) maxDrafts);
    return in;
  }

  /** The parent graph; start it at {@link #ENTRYPOINT} with {@link #inputs}. */
  public static Graph graph(PoemModel model) {
    return Graph.builder()
        .withActions(
            new Input(ENTRYPOINT, "poem_types", "poem_subject", "max_drafts"),
            generateAllPoems(childGraph(model)),
            finalResults())
        .withTransition(ENTRYPOINT, "generate_all_poems")
        .withTransition("generate_all_poems", "final_results")
        .build();
  }

  /** A fresh application of the parent graph (random app id, no persistence). */
  public static Application application(PoemModel model) {
    return Application.builder().withGraph(graph(model)).withEntrypoint(ENTRYPOINT).build();
  }

  /** The write/edit loop every poem type runs; it ends after {@code final_draft}. */
  public static RunnableGraph childGraph(PoemModel model) {
    Graph g =
        Graph.builder()
            .withActions(new Write(model), new Edit(model), finalDraft())
            .withTransition("write", "edit", Condition.expr("num_drafts < max_drafts"))
            .withTransition("write", "final_draft")
            .withTransition("edit", "final_draft", Condition.when("feedback", ""))
            .withTransition("edit", "write")
            .build();
    return RunnableGraph.of(g, "write", "final_draft");
  }

  /** The state a child starts from. */
  public static State childState(String poemType, String subject, long maxDrafts) {
    return State.of(
        "poem_type",
        poemType,
        "poem_subject",
        subject,
        "max_drafts",
        maxDrafts,
        "draft_history",
        List.of(),
        "feedback",
        "",
        "num_drafts",
        0L);
  }

  static Action generateAllPoems(RunnableGraph child) {
    return MapStates.builder("generate_all_poems")
        .reads("poem_types", "poem_subject", "max_drafts")
        .writes("proposals")
        .subGraph(child)
        .states(
            (state, inputs) ->
                state.<String>getList("poem_types").stream()
                    .map(
                        t ->
                            childState(
                                t, state.getString("poem_subject"), state.getLong("max_drafts")))
                    .toList())
        .reduce(
            (state, children) ->
                state.update(
                    "proposals", children.stream().map(c -> c.getString("final_draft")).toList()))
        .build();
  }

  static Action finalResults() {
    return Action.builder("final_results")
        .reads("poem_types", "proposals")
        .writes("final_results")
        .update(
            (state, inputs) ->
                state.update(
                    "final_results",
                    summary(state.getList("poem_types"), state.getList("proposals"))));
  }

  /** Each type as a heading followed by its final draft. */
  public static String summary(List<String> types, List<String> drafts) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < types.size(); i++) {
      if (i > 0) {
        sb.append("\n\n");
      }
      sb.append(types.get(i)).append(":\n").append(drafts.get(i));
    }
    return sb.toString();
  }

  static Action finalDraft() {
    return Action.builder("final_draft")
        .reads("draft_history")
        .writes("final_draft")
        .update(
            (state, inputs) -> {
              List<String> history = state.getList("draft_history");
              return state.update("final_draft", history.get(history.size() - 1));
            });
  }

  /**
   * The poet: writes the next draft, taking the editor's feedback on the previous one; the draft
   * streams as it is written.
   */
  static final class Write extends StreamingAction {
    private final PoemModel model;

    Write(PoemModel model) {
      super("write");
      this.model = model;
    }

    @Override
    public List<String> reads() {
      return List.of("poem_type", "poem_subject", "draft_history", "feedback", "num_drafts");
    }

    @Override
    public List<String> writes() {
      return List.of("draft_history", "num_drafts");
    }

    @Override
    protected Map<String, Object> run(
        State state, Map<String, Object> inputs, Consumer<String> out) {
      List<String> history = state.getList("draft_history");
      int number = (int) state.getLong("num_drafts") + 1;
      String draft =
          model.write(
              state.getString("poem_type"),
              state.getString("poem_subject"),
              number,
              history.isEmpty() ? "" : history.get(history.size() - 1),
              state.getString("feedback"),
              out);
      return Map.of("draft", draft, "num_drafts", (long) number);
    }

    @Override
    protected State update(Map<String, Object> result, State state) {
      return state
          .append("draft_history", result.get("draft"))
          .update("num_drafts", result.get("num_drafts"));
    }
  }

  /** The editor: feedback on the latest draft, empty when it needs no more work. */
  static final class Edit extends StepAction {
    private final PoemModel model;

    Edit(PoemModel model) {
      super("edit");
      this.model = model;
    }

    @Override
    public List<String> reads() {
      return List.of("poem_type", "poem_subject", "draft_history", "num_drafts");
    }

    @Override
    public List<String> writes() {
      return List.of("feedback");
    }

    @Override
    protected Map<String, Object> run(State state, Map<String, Object> inputs) {
      List<String> history = state.getList("draft_history");
      return Map.of(
          "feedback",
          model.edit(
              state.getString("poem_type"),
              state.getString("poem_subject"),
              (int) state.getLong("num_drafts"),
              history.get(history.size() - 1)));
    }

    @Override
    protected State update(Map<String, Object> result, State state) {
      return state.update("feedback", result.get("feedback"));
    }
  }
}
