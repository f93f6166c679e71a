package io.bramble.launcher;

import io.bramble.core.parallel.ParallelExecutor;
import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.core.registry.GraphCatalog;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.registry.GraphSetting;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What commands get from outside: the console, the environment, the graph providers found on the
 * class path and the executor for parallel steps. {@link #system()} is the real one; tests pass
 * their own.
 */
public record LauncherContext(
    PrintStream out,
    PrintStream err,
    Map<String, String> env,
    Supplier<GraphCatalog> catalog,
    ParallelExecutor executor) {

  public LauncherContext {
    catalog = once(catalog);
  }

  public static LauncherContext system() {
    return new LauncherContext(
        System.out,
        System.err,
        System.getenv(),
        () -> GraphCatalog.load(Thread.currentThread().getContextClassLoader()),
        ThreadPoolParallelExecutor.shared());
  }

  /** This context with the graphs of {@code base} and of each of {@code jars}. */
  public LauncherContext loadingFrom(ClassLoader base, List<ClassLoader> jars) {
    return new LauncherContext(out, err, env, () -> GraphCatalog.load(base, jars), executor);
  }

  /**
   * The graphs this process runs; a {@link io.bramble.core.registry.GraphLoadException} names every
   * provider that could not be loaded.
   */
  public GraphRegistry graphs() {
    return catalog.get().registry();
  }

  /** The settings the graphs that did load declare as their own. */
  public List<GraphSetting> graphSettings() {
    return catalog.get().found().stream()
        .filter(GraphCatalog.Found::loaded)
        .flatMap(f -> f.entry().provider().settings().stream())
        .toList();
  }

  /** {@code supplier}, asked once: loading graphs calls every provider's {@code graph()}. */
  private static <T> Supplier<T> once(Supplier<T> supplier) {
    if (supplier instanceof Once<T>) {
      return supplier;
    }
    return new Once<>(supplier);
  }

  private static final class Once<T> implements Supplier<T> {
    private final Supplier<T> source;
    private T value;

    Once(Supplier<T> source) {
      this.source = source;
    }

    @Override
    public synchronized T get() {
      if (value == null) {
        value = source.get();
      }
      return value;
    }
  }
}
