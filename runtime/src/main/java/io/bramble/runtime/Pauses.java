package io.bramble.runtime;

import io.bramble.core.action.Action;
import io.bramble.core.application.Halt;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * A job's halts, distributed: they pause every app of the job's tree (root and children) whose
 * graph has the action or tag they name, and such an app waits, HALTED, for a resume. They are
 * apart from where an app ends (a sub-graph's own halt-after, a provider's default halts), which
 * completes it.
 */
public final class Pauses {
  private Pauses() {}

  /** The halts that apply to {@code graph}: those naming one of its actions, or a tag one has. */
  public static Halt applying(List<String> before, List<String> after, Graph graph) {
    return Halt.of(inGraph(before, graph), inGraph(after, graph));
  }

  /** {@code ends} and {@code pauses} together: where the run stops. */
  public static Halt together(Halt ends, Halt pauses) {
    return Halt.of(
        Stream.concat(ends.beforeActions().stream(), pauses.beforeActions().stream()).toList(),
        Stream.concat(ends.afterActions().stream(), pauses.afterActions().stream()).toList());
  }

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
      if (graphs.stream().noneMatch(g -> names(h, g))) {
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

  private static List<String> inGraph(List<String> halts, Graph graph) {
    return halts.stream().filter(h -> names(h, graph)).toList();
  }

  private static boolean names(String halt, Graph graph) {
    if (halt.startsWith(Halt.TAG_PREFIX)) {
      String tag = halt.substring(Halt.TAG_PREFIX.length());
      return graph.actions().stream().anyMatch(a -> a.tags().contains(tag));
    }
    return graph.hasAction(halt);
  }
}
