package io.bramble.core.graph;

import io.bramble.core.action.Action;
import io.bramble.core.parallel.ParallelAction;

/** Text drawings of a graph: Mermaid (renders on GitHub) and Graphviz DOT. */
final class GraphRenderer {
  private GraphRenderer() {}

  static String mermaid(Graph graph) {
    StringBuilder sb = new StringBuilder("flowchart TD\n");
    for (Action a : graph.actions()) {
      String label = escapeMermaid(a.name());
      sb.append("  ")
          .append(id(a.name()))
          .append(a instanceof ParallelAction ? "[[\"" + label + "\"]]" : "[\"" + label + "\"]")
          .append('\n');
    }
    for (Transition t : graph.transitions()) {
      sb.append("  ").append(id(t.from()));
      if (t.condition().isDefault()) {
        sb.append(" --> ");
      } else {
        sb.append(" -- \"").append(escapeMermaid(t.condition().description())).append("\" --> ");
      }
      sb.append(id(t.to())).append('\n');
    }
    return sb.toString();
  }

  static String dot(Graph graph) {
    StringBuilder sb = new StringBuilder("digraph bramble {\n  node [shape=box, style=rounded];\n");
    for (Action a : graph.actions()) {
      sb.append("  \"").append(escapeDot(a.name())).append('"');
      if (a instanceof ParallelAction) {
        sb.append(" [peripheries=2]");
      }
      sb.append(";\n");
    }
    for (Transition t : graph.transitions()) {
      sb.append("  \"")
          .append(escapeDot(t.from()))
          .append("\" -> \"")
          .append(escapeDot(t.to()))
          .append('"');
      if (!t.condition().isDefault()) {
        sb.append(" [label=\"").append(escapeDot(t.condition().description())).append("\"]");
      }
      sb.append(";\n");
    }
    return sb.append("}\n").toString();
  }

  private static String id(String name) {
    return "n_" + name.replaceAll("[^A-Za-z0-9_]", "_");
  }

  private static String escapeMermaid(String s) {
    return s.replace("\"", "#quot;");
  }

  private static String escapeDot(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"");
  }
}
