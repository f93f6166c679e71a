package io.bramble.launcher.deploy;

import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.core.registry.GraphCatalog;
import io.bramble.launcher.Bramble;
import io.bramble.launcher.LauncherContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Runs {@code bramble} in-process with a given environment and captured output. */
final class Launch {
  final ByteArrayOutputStream out = new ByteArrayOutputStream();
  final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private final LauncherContext context;

  Launch(Map<String, String> env) {
    context =
        new LauncherContext(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            env,
            () -> GraphCatalog.load(Launch.class.getClassLoader()),
            ThreadPoolParallelExecutor.shared());
  }

  int run(String... args) {
    return Bramble.execute(context, args);
  }

  String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  String err() {
    return err.toString(StandardCharsets.UTF_8);
  }
}
