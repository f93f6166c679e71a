package io.bramble.core.parallel;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import java.util.List;

/**
 * A sub-application's graph with where it starts and after which actions it stops. A single
 * action is a graph of one action that halts after itself.
 */
public record RunnableGraph(Graph graph, String entrypoint, List<String> haltAfter) {
  public RunnableGraph {
    graph.action(entrypoint);
    haltAfter.forEach(graph::action);
    haltAfter = List.copyOf(haltAfter);
  }

  public static RunnableGraph of(Graph graph, String entrypoint, String... haltAfter) {
    return new RunnableGraph(graph, entrypoint, List.of(haltAfter));
  }

  public static RunnableGraph of(Action action) {
    return new RunnableGraph(Graph.builder().withActions(action).build(), action.name(), List.of(action.name()));
  }
}
