package io.bramble.ui;

import io.bramble.core.graph.GraphView;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Draws a graph (as {@link GraphView}: its actions and transitions) as SVG on the server: actions
 * in layers from the entrypoint, forward transitions downwards, loops back along the right side.
 * Actions that ran get the class {@code visited}, the current or last one {@code current}; parallel
 * actions are drawn with a double border. No JavaScript library needed (mermaid.min.js is 2.7 MB).
 */
final class GraphSvg {
  private static final int H = 36;
  private static final int LAYER_GAP = 74;
  private static final int NODE_GAP = 36;
  private static final int MARGIN = 24;

  private GraphSvg() {}

  record Node(String id, String label, boolean parallel) {}

  record Edge(String from, String to, String label) {}

  record Parsed(Map<String, Node> nodes, List<Edge> edges) {
    Node byLabel(String label) {
      return nodes.get(label);
    }
  }

  /** Nodes by action name, edges labelled with their condition (none when unconditional). */
  static Parsed parse(GraphView graph) {
    Map<String, Node> nodes = new LinkedHashMap<>();
    List<Edge> edges = new ArrayList<>();
    if (graph == null) {
      return new Parsed(nodes, edges);
    }
    for (GraphView.ActionView a : graph.actions()) {
      nodes.put(a.name(), new Node(a.name(), a.name(), a.parallel()));
    }
    for (GraphView.TransitionView t : graph.transitions()) {
      nodes.putIfAbsent(t.from(), new Node(t.from(), t.from(), false));
      nodes.putIfAbsent(t.to(), new Node(t.to(), t.to(), false));
      edges.add(new Edge(t.from(), t.to(), "default".equals(t.condition()) ? null : t.condition()));
    }
    return new Parsed(nodes, edges);
  }

  /** The graph as Mermaid text, for people to paste elsewhere. */
  static String mermaid(GraphView graph) {
    if (graph == null) {
      return null;
    }
    StringBuilder m = new StringBuilder("flowchart TD\n");
    Parsed p = parse(graph);
    for (Node n : p.nodes().values()) {
      m.append("  ").append(id(n.id())).append(n.parallel() ? "[[\"" : "[\"");
      m.append(n.label().replace("\"", "#quot;")).append(n.parallel() ? "\"]]\n" : "\"]\n");
    }
    for (Edge e : p.edges()) {
      m.append("  ").append(id(e.from()));
      if (e.label() != null) {
        m.append(" -- \"").append(e.label().replace("\"", "#quot;")).append("\"");
      }
      m.append(" --> ").append(id(e.to())).append('\n');
    }
    return m.toString();
  }

  private static String id(String name) {
    return "n_" + name.replaceAll("[^A-Za-z0-9_]", "_");
  }

  static String render(GraphView graph, String entrypoint, Set<String> visited, String current) {
    Parsed p = parse(graph);
    if (p.nodes.isEmpty()) {
      return "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" width=\"240\" height=\"40\"><text x=\"8\" y=\"24\">"
          + "no graph recorded</text></svg>";
    }
    List<String> order = new ArrayList<>(p.nodes.keySet());
    Node entry = entrypoint == null ? null : p.byLabel(entrypoint);
    if (entry != null) {
      order.remove(entry.id);
      order.add(0, entry.id);
    }
    // Back edges: those closing a cycle in a depth-first walk from the entrypoint.
    Map<String, List<Edge>> out = new HashMap<>();
    p.edges.forEach(e -> out.computeIfAbsent(e.from, k -> new ArrayList<>()).add(e));
    Set<Edge> back = new HashSet<>();
    Set<String> done = new HashSet<>();
    for (String start : order) {
      dfs(start, out, new HashSet<>(), done, back);
    }
    // Layers: longest path over forward edges.
    Map<String, Integer> layer = new HashMap<>();
    order.forEach(id -> layer.put(id, 0));
    for (int round = 0; round < order.size(); round++) {
      boolean changed = false;
      for (Edge e : p.edges) {
        if (!back.contains(e) && !e.from.equals(e.to) && layer.get(e.to) < layer.get(e.from) + 1) {
          layer.put(e.to, layer.get(e.from) + 1);
          changed = true;
        }
      }
      if (!changed) {
        break;
      }
    }
    int layers = layer.values().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < layers; i++) {
      rows.add(new ArrayList<>());
    }
    order.forEach(id -> rows.get(layer.get(id)).add(id));
    Map<String, Integer> width = new HashMap<>();
    order.forEach(id -> width.put(id, Math.max(110, p.nodes.get(id).label.length() * 8 + 28)));
    int maxRow = 0;
    for (List<String> row : rows) {
      maxRow =
          Math.max(maxRow, row.stream().mapToInt(width::get).sum() + NODE_GAP * (row.size() - 1));
    }
    int backCount =
        (int) p.edges.stream().filter(e -> back.contains(e) || e.from.equals(e.to)).count();
    int labelRoom =
        p.edges.stream()
            .filter(e -> e.label != null)
            .mapToInt(e -> e.label.length() * 6)
            .max()
            .orElse(0);
    int total = maxRow + 2 * MARGIN + Math.max(40 * backCount, 0) + labelRoom / 2;
    Map<String, int[]> pos = new HashMap<>(); // center x, top y
    for (int r = 0; r < rows.size(); r++) {
      List<String> row = rows.get(r);
      int rowWidth = row.stream().mapToInt(width::get).sum() + NODE_GAP * (row.size() - 1);
      int x = MARGIN + (maxRow - rowWidth) / 2;
      for (String id : row) {
        pos.put(id, new int[] {x + width.get(id) / 2, MARGIN + r * (H + LAYER_GAP)});
        x += width.get(id) + NODE_GAP;
      }
    }
    int height = MARGIN * 2 + layers * H + (layers - 1) * LAYER_GAP;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"graph\" width=\"")
        .append(total)
        .append("\" height=\"")
        .append(height)
        .append("\" viewBox=\"0 0 ")
        .append(total)
        .append(' ')
        .append(height)
        .append(
            "\"><defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" ")
        .append(
            "markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead\"/>")
        .append("</marker></defs>");
    int backIndex = 0;
    StringBuilder labels = new StringBuilder();
    for (Edge e : p.edges) {
      int[] a = pos.get(e.from);
      int[] b = pos.get(e.to);
      int wa = width.get(e.from) / 2;
      int wb = width.get(e.to) / 2;
      String d;
      double lx;
      double ly;
      if (e.from.equals(e.to)) {
        int x = a[0] + wa;
        int y = a[1] + H / 2;
        d =
            "M" + x + "," + (y - 8) + " C" + (x + 46) + "," + (y - 30) + " " + (x + 46) + ","
                + (y + 30) + " " + x + "," + (y + 8);
        lx = x + 40;
        ly = y - 18;
        backIndex++;
      } else if (back.contains(e) || layer.get(e.to) <= layer.get(e.from)) {
        int bulge = 50 + 30 * backIndex++;
        int x1 = a[0] + wa;
        int y1 = a[1] + H / 2;
        int x2 = b[0] + wb;
        int y2 = b[1] + H / 2;
        int cx = Math.max(x1, x2) + bulge;
        d = "M" + x1 + "," + y1 + " C" + cx + "," + y1 + " " + cx + "," + y2 + " " + x2 + "," + y2;
        lx = cx - bulge / 4.0;
        ly = (y1 + y2) / 2.0;
      } else {
        int x1 = a[0];
        int y1 = a[1] + H;
        int x2 = b[0];
        int y2 = b[1];
        d =
            "M" + x1 + "," + y1 + " C" + x1 + "," + (y1 + 40) + " " + x2 + "," + (y2 - 40) + " "
                + x2 + "," + y2;
        lx = (x1 + x2) / 2.0 + 6;
        ly = (y1 + y2) / 2.0;
      }
      String from = p.nodes.get(e.from).label;
      String to = p.nodes.get(e.to).label;
      svg.append("<path class=\"edge\" data-from=\"")
          .append(esc(from))
          .append("\" data-to=\"")
          .append(esc(to))
          .append("\" d=\"")
          .append(d)
          .append("\" marker-end=\"url(#arrow)\"/>");
      if (e.label != null) {
        labels
            .append("<text class=\"edge-label\" x=\"")
            .append(String.format(Locale.ROOT, "%.0f", lx))
            .append("\" y=\"")
            .append(String.format(Locale.ROOT, "%.0f", ly))
            .append("\">")
            .append(esc(e.label))
            .append("</text>");
      }
    }
    svg.append(labels);
    for (String id : order) {
      Node n = p.nodes.get(id);
      int[] c = pos.get(id);
      int w = width.get(id);
      StringBuilder cls = new StringBuilder("node");
      if (n.parallel) {
        cls.append(" parallel");
      }
      if (visited != null && visited.contains(n.label)) {
        cls.append(" visited");
      }
      if (n.label.equals(current)) {
        cls.append(" current");
      }
      svg.append("<g class=\"")
          .append(cls)
          .append("\" data-action=\"")
          .append(esc(n.label))
          .append("\">");
      svg.append("<title>")
          .append(esc(n.label))
          .append(n.parallel ? " (parallel: runs sub-applications)" : "")
          .append("</title>");
      svg.append("<rect x=\"")
          .append(c[0] - w / 2)
          .append("\" y=\"")
          .append(c[1])
          .append("\" width=\"")
          .append(w)
          .append("\" height=\"")
          .append(H)
          .append("\" rx=\"8\"/>");
      if (n.parallel) {
        svg.append("<rect class=\"inner\" x=\"")
            .append(c[0] - w / 2 + 4)
            .append("\" y=\"")
            .append(c[1] + 4)
            .append("\" width=\"")
            .append(w - 8)
            .append("\" height=\"")
            .append(H - 8)
            .append("\" rx=\"6\"/>");
      }
      svg.append("<text x=\"")
          .append(c[0])
          .append("\" y=\"")
          .append(c[1] + H / 2 + 5)
          .append("\">")
          .append(esc(n.label))
          .append("</text></g>");
    }
    return svg.append("</svg>").toString();
  }

  private static void dfs(
      String id, Map<String, List<Edge>> out, Set<String> stack, Set<String> done, Set<Edge> back) {
    if (done.contains(id)) {
      return;
    }
    stack.add(id);
    for (Edge e : out.getOrDefault(id, List.of())) {
      if (stack.contains(e.to)) {
        back.add(e);
      } else {
        dfs(e.to, out, stack, done, back);
      }
    }
    stack.remove(id);
    done.add(id);
  }

  static String esc(String s) {
    return s == null
        ? ""
        : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
