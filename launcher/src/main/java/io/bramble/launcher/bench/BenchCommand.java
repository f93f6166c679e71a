package io.bramble.launcher.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bramble bench TARGET}: measures Bramble itself. */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measures Bramble; the last line printed is the result as JSON.",
    subcommands = {
      BenchLocalCommand.class,
      BenchDistributedCommand.class,
      BenchThroughputCommand.class,
      BenchScaleCommand.class,
      BenchFailoverCommand.class
    })
public final class BenchCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "name a benchmark: local, distributed, throughput or scale");
  }
}
