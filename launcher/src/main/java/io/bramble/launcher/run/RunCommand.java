package io.bramble.launcher.run;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code bramble run EXAMPLE}: runs an example application in this JVM. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = "Runs an example application in this JVM, printing each step and the final state.",
    subcommands = {RunPoemsCommand.class, RunCollatzCommand.class})
public final class RunCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "name an application to run: poems or collatz");
  }
}
