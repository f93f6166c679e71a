package io.bramble.launcher.run;

import io.bramble.examples.collatz.Collatz;
import io.bramble.launcher.LauncherContext;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bramble run collatz}: one child application per starting number, each a step loop. */
@Command(
    name = "collatz",
    mixinStandardHelpOptions = true,
    description = "Computes Collatz sequences, one child application per starting number, in parallel.")
public final class RunCollatzCommand implements Callable<Integer> {
  private final LauncherContext context;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--from", paramLabel = "N", defaultValue = "" + Collatz.DEFAULT_FROM,
      description = "First starting number (default: ${DEFAULT-VALUE}).")
  long from;

  @Option(names = "--to", paramLabel = "N", defaultValue = "" + Collatz.DEFAULT_TO,
      description = "Last starting number, included (default: ${DEFAULT-VALUE}).")
  long to;

  @Mixin RunOptions options;

  public RunCollatzCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (from < 1 || to < from) {
      throw new CommandLine.ParameterException(spec.commandLine(),
          "need 1 <= --from <= --to, got --from " + from + " --to " + to);
    }
    return new ApplicationRun(context, options).run("collatz", Collatz.graph(), Collatz.ENTRYPOINT,
        Collatz.initialState(from, to), Map.of(), Collatz.RESULT_KEYS, s -> "n=" + s.get("n"), null);
  }
}
