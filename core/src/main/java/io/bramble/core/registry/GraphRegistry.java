package io.bramble.core.registry;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.ParallelAction;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.runtime.Pools;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The graphs this process can run, by name and version (several versions of one name side by side),
 * each with its sub-graphs named by path: the parallel action's name and the sub-graph's index,
 * nested with {@code /} (e.g. {@code outer/0/inner/0}).
 */
public final class GraphRegistry {
  /** One provider's graph with its named sub-graphs. */
  public static final class Entry {
    private final GraphProvider provider;
    private final Graph graph;
    private final Map<String, RunnableGraph> byPath = new LinkedHashMap<>();
    private final Map<RunnableGraph, String> byGraph = new IdentityHashMap<>();
    private final Map<String, String> appPools = new LinkedHashMap<>();

    Entry(GraphProvider provider) {
      this.provider = provider;
      this.graph = provider.graph();
      appPools.put("", Pools.DEFAULT);
      index(graph, "", Pools.DEFAULT);
    }

    private void index(Graph g, String prefix, String appPool) {
      for (Action a : g.actions()) {
        if (a instanceof ParallelAction parallel) {
          List<RunnableGraph> subs = parallel.subGraphs();
          for (int i = 0; i < subs.size(); i++) {
            String path = prefix + parallel.name() + "/" + i;
            if (!byGraph.containsKey(subs.get(i))) {
              String childPool = Pools.ofChild(subs.get(i), parallel, appPool);
              byPath.put(path, subs.get(i));
              byGraph.put(subs.get(i), path);
              appPools.put(path, childPool);
              index(subs.get(i).graph(), path + "/", childPool);
            }
          }
        }
      }
    }

    /**
     * The own pool of the apps that run the sub-graph at {@code path} (null or empty: the root,
     * whose pool is {@link Pools#DEFAULT}); see {@link Pools}.
     */
    public String appPool(String path) {
      resolve(path);
      return appPools.get(path == null ? "" : path);
    }

    /**
     * The pool the step of {@code action} runs in, in an app that runs the sub-graph at {@code
     * path}.
     */
    public String stepPool(String path, String action) {
      return Pools.ofStep(resolve(path).graph().action(action), appPool(path));
    }

    /** Every pool a step of this graph or of its sub-graphs runs in. */
    public Set<String> pools() {
      Set<String> pools = new TreeSet<>();
      appPools.forEach(
          (path, appPool) ->
              resolve(path).graph().actions().forEach(a -> pools.add(Pools.ofStep(a, appPool))));
      return pools;
    }

    public GraphProvider provider() {
      return provider;
    }

    public String name() {
      return provider.name();
    }

    public String version() {
      return provider.version();
    }

    public Graph graph() {
      return graph;
    }

    /** Every sub-graph by path, in declaration order (depth first). */
    public Map<String, RunnableGraph> subGraphs() {
      return java.util.Collections.unmodifiableMap(byPath);
    }

    /** The graph at {@code path} (null or empty: the root graph) with its entrypoint and halts. */
    public RunnableGraph resolve(String path) {
      if (path == null || path.isEmpty()) {
        return new RunnableGraph(graph, provider.entrypoint(), provider.defaultHaltAfter());
      }
      RunnableGraph g = byPath.get(path);
      if (g == null) {
        throw new UnknownGraphException(
            "graph '"
                + name()
                + "' has no sub-graph '"
                + path
                + "' (sub-graphs: "
                + byPath.keySet()
                + ")");
      }
      return g;
    }

    /**
     * The parallel action that launches the sub-graph at {@code path} (e.g. {@code outer/0/inner/1}
     * → inner).
     */
    public ParallelAction parallelActionOf(String path) {
      int index = path.lastIndexOf('/');
      int action = index < 0 ? -1 : path.lastIndexOf('/', index - 1);
      if (index < 0) {
        throw new UnknownGraphException("'" + path + "' is not a sub-graph path (action/index)");
      }
      String parentPath = action < 0 ? null : path.substring(0, action);
      String actionName = path.substring(action + 1, index);
      return (ParallelAction) resolve(parentPath).graph().action(actionName);
    }

    /** The path of a sub-graph a parallel action of this graph returned. */
    public String pathOf(RunnableGraph subGraph, String parallelAction) {
      String path = byGraph.get(subGraph);
      if (path == null) {
        throw new UnknownGraphException(
            "parallel action '"
                + parallelAction
                + "' of graph '"
                + name()
                + "' launched a sub-graph it does not declare; a distributed run names sub-graphs, so return it"
                + " from ParallelAction.subGraphs() (MapActions: declareSubGraphs)");
      }
      return path;
    }
  }

  /** By name, then by version, oldest first. */
  private final Map<String, TreeMap<String, Entry>> entries = new LinkedHashMap<>();

  /** {@code entries} differ in name or version ({@link GraphCatalog} checks). */
  GraphRegistry(List<Entry> entries) {
    for (Entry e : entries) {
      this.entries
          .computeIfAbsent(e.name(), n -> new TreeMap<>(GraphVersions.ORDER))
          .put(e.version(), e);
    }
  }

  /** Every provider of the context class loader; a problem with any of them throws. */
  public static GraphRegistry load() {
    return GraphCatalog.load(Thread.currentThread().getContextClassLoader()).registry();
  }

  public static GraphRegistry of(GraphProvider... providers) {
    return GraphCatalog.of(List.of(providers)).registry();
  }

  /**
   * The graph named {@code name} at {@code version}, or at its newest version here when {@code
   * version} is null.
   */
  public Entry get(String name, String version) {
    TreeMap<String, Entry> versions = entries.get(name);
    if (versions == null) {
      throw new UnknownGraphException(
          "unknown graph '" + name + "' (this process has: " + names() + ")");
    }
    if (version == null) {
      return versions.lastEntry().getValue();
    }
    Entry e = versions.get(version);
    if (e == null) {
      throw new UnknownGraphException(
          "graph '"
              + name
              + "' version "
              + version
              + " is not here (this process has "
              + (versions.size() == 1
                  ? "version " + versions.firstKey()
                  : "versions " + String.join(", ", versions.keySet()))
              + ")");
    }
    return e;
  }

  /** Whether graph {@code name} is here at {@code version} (any version, when null). */
  public boolean has(String name, String version) {
    TreeMap<String, Entry> versions = entries.get(name);
    return versions != null && (version == null || versions.containsKey(version));
  }

  /** The versions of graph {@code name} here, oldest first (empty: not here). */
  public List<String> versions(String name) {
    TreeMap<String, Entry> versions = entries.get(name);
    return versions == null ? List.of() : List.copyOf(versions.keySet());
  }

  /** Every graph at every version, by name then version (oldest first). */
  public List<Entry> entries() {
    return entries.values().stream().flatMap(v -> v.values().stream()).toList();
  }

  /** Every pool a step of a graph here runs in, the default pool included. */
  public Set<String> pools() {
    Set<String> pools = new TreeSet<>(Set.of(Pools.DEFAULT));
    entries().forEach(e -> pools.addAll(e.pools()));
    return pools;
  }

  public List<String> names() {
    return List.copyOf(entries.keySet());
  }
}
