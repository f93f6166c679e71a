package io.bramble.core.parallel;

import io.bramble.core.state.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Many sub-graphs over one state: child {@code i} runs the {@code i}-th sub-graph. */
public final class MapActions {
  private MapActions() {}

  /** The sub-graphs to run. */
  @FunctionalInterface
  public interface GraphsFunction {
    List<RunnableGraph> graphs(State state, Map<String, Object> inputs);
  }

  /** The state every child starts from; by default the parent's. */
  @FunctionalInterface
  public interface StateFunction {
    State state(State state, Map<String, Object> inputs);
  }

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public static final class Builder extends SubGraphsMapBuilder<Builder> {
    private StateFunction childState = (state, inputs) -> state;

    Builder(String name) {
      super(name);
    }

    public Builder state(StateFunction childState) {
      this.childState = childState;
      return this;
    }

    @Override
    TaskFunction taskFunction() {
      GraphsFunction fn =
          Objects.requireNonNull(graphs, "MapActions '" + name + "' needs subGraphs");
      StateFunction stateFn = childState;
      return (state, context, inputs) -> {
        List<RunnableGraph> gs = fn.graphs(state, inputs);
        State child = stateFn.state(state, inputs);
        List<SubGraphTask> tasks = new ArrayList<>(gs.size());
        for (int i = 0; i < gs.size(); i++) {
          tasks.add(SubGraphTask.of(context, "a" + i, gs.get(i), child, inputs));
        }
        return tasks;
      };
    }
  }
}
