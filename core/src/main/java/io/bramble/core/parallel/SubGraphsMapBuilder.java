package io.bramble.core.parallel;

import io.bramble.core.action.Action;
import java.util.Arrays;
import java.util.List;

/**
 * What {@link MapActions} and {@link MapActionsAndStates} share: a list of sub-graphs, fixed or
 * computed.
 */
public abstract class SubGraphsMapBuilder<B extends SubGraphsMapBuilder<B>> extends MapBuilder<B> {
  MapActions.GraphsFunction graphs;
  private List<RunnableGraph> declared = List.of();

  SubGraphsMapBuilder(String name) {
    super(name);
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  /** Always these sub-graphs. */
  public B subGraphs(RunnableGraph... graphs) {
    List<RunnableGraph> fixed = List.of(graphs);
    this.graphs = (state, inputs) -> fixed;
    this.declared = fixed;
    return self();
  }

  /** Always these single actions, each as its own sub-graph. */
  public B actions(Action... actions) {
    return subGraphs(Arrays.stream(actions).map(RunnableGraph::of).toArray(RunnableGraph[]::new));
  }

  /**
   * Sub-graphs chosen from the state; declare them with {@link #declareSubGraphs} for distributed
   * runs.
   */
  public B subGraphs(MapActions.GraphsFunction graphs) {
    this.graphs = graphs;
    return self();
  }

  /**
   * Declares the sub-graphs a dynamic {@code subGraphs} function may return (for distributed runs).
   */
  public B declareSubGraphs(RunnableGraph... graphs) {
    this.declared = List.of(graphs);
    return self();
  }

  @Override
  List<RunnableGraph> knownSubGraphs() {
    return declared;
  }
}
