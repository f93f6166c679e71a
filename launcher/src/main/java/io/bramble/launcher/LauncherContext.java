package io.bramble.launcher;

import io.bramble.core.parallel.ParallelExecutor;
import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.core.registry.GraphRegistry;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What commands get from outside: the console, the environment, the graphs on the class path and
 * the executor for parallel steps. {@link #system()} is the real one; tests pass their own.
 */
public record LauncherContext(
    PrintStream out,
    PrintStream err,
    Map<String, String> env,
    Supplier<GraphRegistry> graphs,
    ParallelExecutor executor) {

  public static LauncherContext system() {
    return new LauncherContext(
        System.out,
        System.err,
        System.getenv(),
        GraphRegistry::load,
        ThreadPoolParallelExecutor.shared());
  }
}
