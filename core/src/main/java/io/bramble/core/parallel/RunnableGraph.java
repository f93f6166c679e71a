package io.bramble.core.parallel;

import io.bramble.core.action.Action;
import io.bramble.core.application.Halt;
import io.bramble.core.graph.Graph;
import java.util.List;

/**
 * A sub-application's graph with where it starts and after which actions (or {@code @tag:NAME}) it
 * stops. A single action is a graph of one action that halts after itself.
 */
public record RunnableGraph(Graph graph, String entrypoint, List<String> haltAfter) {
  public RunnableGraph {
    graph.action(entrypoint);
    haltAfter = List.copyOf(haltAfter);
    Halt.of(List.of(), haltAfter).validate(graph);
  }

  public static RunnableGraph of(Graph graph, String entrypoint, String... haltAfter) {
    return new RunnableGraph(graph, entrypoint, List.of(haltAfter));
  }

  public static RunnableGraph of(Action action) {
    return new RunnableGraph(
        Graph.builder().withActions(action).build(), action.name(), List.of(action.name()));
  }
}
