package io.bramble.launcher.run;

import io.bramble.core.registry.GraphRegistry;
import io.bramble.launcher.LauncherContext;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code bramble run GRAPH}: runs a graph from the class path in this JVM (one subcommand per
 * graph).
 */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description =
        "Runs a graph from the class path in this JVM, printing each step and the final state.")
public final class RunCommand implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** Adds a subcommand to {@code run} for every graph of {@code graphs}. */
  public static void addGraphs(CommandLine run, LauncherContext context, GraphRegistry graphs) {
    for (String name : graphs.names()) {
      run.addSubcommand(name, GraphRunCommand.commandLine(context, graphs.get(name, null)));
    }
  }

  @Override
  public void run() {
    String names = String.join(" or ", spec.subcommands().keySet());
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        names.isEmpty()
            ? "no graph is on the class path (BRAMBLE_CLASSPATH names the jars to load)"
            : "name an application to run: " + names);
  }
}
