package io.bramble.launcher.graphs;

import io.bramble.core.parallel.ParallelAction;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphCatalog;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.registry.GraphSetting;
import io.bramble.core.runtime.Pools;
import io.bramble.launcher.LauncherContext;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;

/**
 * {@code bramble graphs}: what this process would load, from its class path, {@code --classpath}
 * and {@code BRAMBLE_CLASSPATH}: every graph with its version, entrypoint, actions, sub-graphs and
 * own settings, and every provider that could not be loaded with the reason. Exits 1 if one could
 * not (the platform's processes would refuse to start).
 */
@Command(
    name = "graphs",
    mixinStandardHelpOptions = true,
    description =
        "Lists the graphs this process would load (name, version, entrypoint, actions, sub-graphs) and any provider that fails to load, with its error.")
public final class GraphsCommand implements Callable<Integer> {
  private final LauncherContext context;

  public GraphsCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    PrintStream out = context.out();
    GraphCatalog catalog = context.catalog().get();
    if (catalog.found().isEmpty()) {
      out.println(
          "no graph provider on the class path (add jars with --classpath or "
              + GraphClassPath.ENV
              + ")");
      return 0;
    }
    for (GraphCatalog.Found f : catalog.found()) {
      if (f.problem() != null) {
        out.println("FAILED " + f.provider() + " (from " + f.source() + "): " + f.problem());
        continue;
      }
      GraphRegistry.Entry e = f.entry();
      GraphProvider p = e.provider();
      out.println(
          e.name()
              + " version "
              + e.version()
              + "  ("
              + f.provider()
              + ", from "
              + f.source()
              + ")");
      out.println("  entrypoint: " + p.entrypoint());
      out.println("  actions:    " + actions(e, null));
      for (Map.Entry<String, RunnableGraph> sub : e.subGraphs().entrySet()) {
        String pool = e.appPool(sub.getKey());
        out.println(
            "  sub-graph "
                + sub.getKey()
                + ": entrypoint "
                + sub.getValue().entrypoint()
                + (pool.equals(Pools.DEFAULT) ? "" : ", pool " + pool)
                + ", actions "
                + actions(e, sub.getKey()));
      }
      if (!e.pools().equals(Set.of(Pools.DEFAULT))) {
        out.println("  pools:      " + String.join(", ", e.pools()));
      }
      List<GraphSetting> settings = p.settings();
      if (!settings.isEmpty()) {
        out.println(
            "  settings:   "
                + settings.stream()
                    .map(s -> s.key() + " (" + s.environmentVariable() + ")")
                    .collect(Collectors.joining(", ")));
      }
    }
    return catalog.problems().isEmpty() ? 0 : 1;
  }

  /**
   * The actions of the (sub-)graph at {@code path}, each with the pool its steps run in unless that
   * is the default one; a parallel action naming a pool, with its children's.
   */
  private static String actions(GraphRegistry.Entry e, String path) {
    return e.resolve(path).graph().actions().stream()
        .map(
            a -> {
              if (a instanceof ParallelAction) {
                return a.name() + a.pool().map(p -> " (children in pool " + p + ")").orElse("");
              }
              String pool = e.stepPool(path, a.name());
              return a.name() + (pool.equals(Pools.DEFAULT) ? "" : " (pool " + pool + ")");
            })
        .collect(Collectors.joining(", "));
  }
}
