package io.bramble.launcher;

import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.examples.poems.OfflinePoemModel;
import io.bramble.examples.poems.PoemModel;
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

  public Console() {
    this(new OfflinePoemModel());
  }

  public Console(PoemModel model) {
    context = new LauncherContext(new PrintStream(outBytes, true, StandardCharsets.UTF_8),
        new PrintStream(errBytes, true, StandardCharsets.UTF_8), Map.of(), () -> model,
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
