package io.bramble.launcher;

import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.core.registry.GraphCatalog;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Runs {@code bramble} in-process with captured output. */
public final class Console {
  public final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
  public final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
  private final LauncherContext context;

  /**
   * A console over the graphs on the test class path (the examples: poems on its offline model,
   * collatz).
   */
  public Console() {
    this(GraphCatalog.load(Console.class.getClassLoader()));
  }

  /** A console over {@code graphs}. */
  public Console(GraphCatalog graphs) {
    this(graphs, Map.of());
  }

  /** A console over the graphs on the test class path, with {@code env} as its environment. */
  public Console(Map<String, String> env) {
    this(GraphCatalog.load(Console.class.getClassLoader()), env);
  }

  private Console(GraphCatalog graphs, Map<String, String> env) {
    context =
        new LauncherContext(
            new PrintStream(outBytes, true, StandardCharsets.UTF_8),
            new PrintStream(errBytes, true, StandardCharsets.UTF_8),
            env,
            () -> graphs,
            ThreadPoolParallelExecutor.shared());
  }

  public int run(String... args) {
    return Bramble.execute(context, args);
  }

  public String out() {
    return outBytes.toString(StandardCharsets.UTF_8);
  }

  public String err() {
    return errBytes.toString(StandardCharsets.UTF_8);
  }

  public List<String> outLines() {
    return out().lines().toList();
  }
}
