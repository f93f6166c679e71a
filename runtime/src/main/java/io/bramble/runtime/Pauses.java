package io.bramble.runtime;

import io.bramble.core.application.Halt;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphRegistry;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

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
    check(before, after, names(entry), entry.name());
  }

  /**
   * What a halt of {@code entry}'s tree may name: every action of its graphs, and {@code
   * @tag:NAME} for each of their tags. A halted app's resume task carries them, so the
   * coordinator, which reads no graph, refuses a resume whose halts name none.
   */
  public static List<String> names(GraphRegistry.Entry entry) {
    List<Graph> graphs = new ArrayList<>();
    graphs.add(entry.graph());
    entry.subGraphs().values().stream().map(RunnableGraph::graph).forEach(graphs::add);
    Set<String> names = new LinkedHashSet<>();
    for (Graph g : graphs) {
      g.actions().forEach(a -> names.add(a.name()));
    }
    for (Graph g : graphs) {
      g.actions().forEach(a -> a.tags().forEach(t -> names.add(Halt.TAG_PREFIX + t)));
    }
    return List.copyOf(names);
  }

  /**
   * Refuses a halt that is none of {@code names} (of graph {@code graph}), with an error naming it.
   */
  public static void check(
      List<String> before, List<String> after, List<String> names, String graph) {
    check(before, "halt before", names, graph);
    check(after, "halt after", names, graph);
  }

  private static void check(List<String> halts, String which, List<String> names, String graph) {
    for (String h : halts) {
      if (!names.contains(h)) {
        throw new IllegalArgumentException(
            which
                + " names '"
                + h
                + "', which is no action or tag of graph '"
                + graph
                + "' or its sub-graphs (actions: "
                + names.stream().filter(n -> !n.startsWith(Halt.TAG_PREFIX)).toList()
                + ")");
      }
    }
  }
}
