package io.bramble.core.parallel;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The cartesian product of sub-graphs and states, action-major: for sub-graphs A, B and states s0,
 * s1 the children are (A,s0), (A,s1), (B,s0), (B,s1), and reduce sees them in that order.
 */
public final class MapActionsAndStates {
  private MapActionsAndStates() {}

  public static Builder builder(String name) {
    return new Builder(name);
  }

  public static final class Builder extends SubGraphsMapBuilder<Builder> {
    private MapStates.StatesFunction states;

    Builder(String name) {
      super(name);
    }

    public Builder states(MapStates.StatesFunction states) {
      this.states = states;
      return this;
    }

    @Override
    TaskFunction taskFunction() {
      MapActions.GraphsFunction gfn =
          Objects.requireNonNull(graphs, "MapActionsAndStates '" + name + "' needs subGraphs");
      MapStates.StatesFunction sfn =
          Objects.requireNonNull(states, "MapActionsAndStates '" + name + "' needs states");
      return (state, context, inputs) -> {
        List<RunnableGraph> gs = gfn.graphs(state, inputs);
        var ss = sfn.states(state, inputs);
        List<SubGraphTask> tasks = new ArrayList<>(gs.size() * ss.size());
        for (int i = 0; i < gs.size(); i++) {
          for (int j = 0; j < ss.size(); j++) {
            tasks.add(SubGraphTask.of(context, "a" + i + ".s" + j, gs.get(i), ss.get(j), inputs));
          }
        }
        return tasks;
      };
    }
  }
}
