package io.bramble.core.parallel;

import io.bramble.core.action.Action;
import io.bramble.core.state.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One sub-graph over many states: child {@code j} runs the sub-graph on the {@code j}-th state.
 *
 * <pre>{@code
 * ParallelAction all = MapStates.builder("generate_all_poems")
 *     .reads("poem_types").writes("proposals")
 *     .subGraph(writeAndEdit)
 *     .states((state, inputs) -> state.<String>getList("poem_types").stream()
 *         .map(t -> state.update("poem_type", t)).toList())
 *     .reduce((state, children) -> state.update("proposals",
 *         children.stream().map(c -> c.get("final_draft")).toList()))
 *     .build();
 * }</pre>
 */
public final class MapStates {
  private MapStates() {}

  /** The states to map over. */
  @FunctionalInterface
  public interface StatesFunction {
    List<State> states(State state, Map<String, Object> inputs);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public static final class Builder extends MapBuilder<Builder> {
    private RunnableGraph subGraph;
    private StatesFunction states;

    Builder(String name) {
      super(name);
    }

    public Builder subGraph(RunnableGraph subGraph) {
      this.subGraph = subGraph;
      return this;
    }

    /** A single action as the sub-graph. */
    public Builder action(Action action) {
      return subGraph(RunnableGraph.of(action));
    }

    public Builder states(StatesFunction states) {
      this.states = states;
      return this;
    }

    @Override
    List<RunnableGraph> knownSubGraphs() {
      return subGraph == null ? List.of() : List.of(subGraph);
    }

    @Override
    TaskFunction taskFunction() {
      RunnableGraph graph =
          Objects.requireNonNull(subGraph, "MapStates '" + name + "' needs a subGraph");
      StatesFunction fn = Objects.requireNonNull(states, "MapStates '" + name + "' needs states");
      return (state, context, inputs) -> {
        List<State> items = fn.states(state, inputs);
        List<SubGraphTask> tasks = new ArrayList<>(items.size());
        for (int j = 0; j < items.size(); j++) {
          tasks.add(SubGraphTask.of(context, "s" + j, graph, items.get(j), inputs));
        }
        return tasks;
      };
    }
  }
}
