package io.bramble.launcher;

import io.bramble.core.parallel.ParallelExecutor;
import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.examples.poems.PoemModel;
import io.bramble.examples.poems.PoemModels;
import java.io.PrintStream;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What commands get from outside: the console, the environment, the poems model and the executor
 * for parallel steps. {@link #system()} is the real one; tests pass their own.
 */
public record LauncherContext(
    PrintStream out,
    PrintStream err,
    Map<String, String> env,
    Supplier<PoemModel> poemModel,
    ParallelExecutor executor) {

  public static LauncherContext system() {
    Map<String, String> env = System.getenv();
    return new LauncherContext(System.out, System.err, env, () -> PoemModels.fromEnvironment(env),
        ThreadPoolParallelExecutor.shared());
  }

  public LauncherContext withPoemModel(Supplier<PoemModel> model) {
    return new LauncherContext(out, err, env, model, executor);
  }
}
