package io.bramble.runtime;

import io.bramble.core.action.Action;
import io.bramble.core.application.Halt;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphRegistry;
import java.util.ArrayList;
import java.util.List;

/**
 * A job's halts, distributed: they pause every app of the job's tree (root and children) whose
 * graph has the action or tag they name ({@link Halt#within}), and such an app waits, HALTED, for a
 * resume. They are apart from where an app ends (a sub-graph's own halt-after, a provider's default
 * halts), which completes it. This checks them against the whole tree.
 */
public final class Pauses {
  private Pauses() {}

  /**
   * Refuses a halt that names no action or tag of any graph of {@code entry}'s tree, with an error
   * naming it.
   */
  public static void validate(List<String> before, List<String> after, GraphRegistry.Entry entry) {
    List<Graph> graphs = new ArrayList<>();
    graphs.add(entry.graph());
    entry.subGraphs().values().stream().map(RunnableGraph::graph).forEach(graphs::add);
    check(before, "halt before", graphs, entry.name());
    check(after, "halt after", graphs, entry.name());
  }

  private static void check(List<String> halts, String which, List<Graph> graphs, String name) {
    for (String h : halts) {
      if (graphs.stream().noneMatch(g -> Halt.names(h, g))) {
        List<String> actions =
            graphs.stream()
                .flatMap(g -> g.actions().stream())
                .map(Action::name)
                .distinct()
                .toList();
        throw new IllegalArgumentException(
            which
                + " names '"
                + h
                + "', which is no action or tag of graph '"
                + name
                + "' or its sub-graphs (actions: "
                + actions
                + ")");
      }
    }
  }
}
