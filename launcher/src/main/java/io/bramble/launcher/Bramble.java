package io.bramble.launcher;

import io.bramble.core.registry.GraphRegistry;
import io.bramble.launcher.bench.BenchCommand;
import io.bramble.launcher.jobs.SubmitCommand;
import io.bramble.launcher.jobs.WatchCommand;
import io.bramble.launcher.platform.CoordinatorCommand;
import io.bramble.launcher.platform.DevCommand;
import io.bramble.launcher.platform.HealthCommand;
import io.bramble.launcher.platform.WorkerCommand;
import io.bramble.launcher.run.RunCommand;
import io.bramble.launcher.ui.UiCommand;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code bramble} command, its subcommands listed here and grouped in packages by what they do:
 * {@code run} (graphs in this JVM, or through a dev cluster with {@code --distributed}), {@code
 * bench}, {@code jobs} ({@code submit}, {@code watch} and how they print), {@code platform} ({@code
 * dev}, {@code coordinator}, {@code worker}, {@code health} and their run-until-signal lifecycle),
 * {@code ui}; {@code settings} holds what every command reads (flags, environment, properties
 * file). A command that needs the console, the environment or the graphs takes a {@link
 * LauncherContext} in its constructor.
 */
@Command(
    name = "bramble",
    mixinStandardHelpOptions = true,
    versionProvider = Bramble.Version.class,
    description = "Runs Burr-style state-machine applications on the JVM.",
    subcommands = {
      RunCommand.class,
      DevCommand.class,
      SubmitCommand.class,
      WatchCommand.class,
      CoordinatorCommand.class,
      WorkerCommand.class,
      UiCommand.class,
      HealthCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Bramble implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(execute(LauncherContext.system(), args));
  }

  /** Runs {@code args} against {@code context}; returns the exit code (0 ok, 1 failed, 2 usage). */
  public static int execute(LauncherContext context, String... args) {
    return commandLine(context).execute(args);
  }

  public static CommandLine commandLine(LauncherContext context) {
    CommandLine cl = new CommandLine(new Bramble(), new ContextFactory(context));
    GraphRegistry graphs;
    try {
      graphs = context.graphs().get();
    } catch (RuntimeException e) {
      context.err().println("bramble: cannot load the graphs on the class path: " + e.getMessage());
      graphs = GraphRegistry.of();
    }
    RunCommand.addGraphs(cl.getSubcommands().get("run"), context, graphs);
    cl.setOut(new PrintWriter(context.out(), true));
    cl.setErr(new PrintWriter(context.err(), true));
    cl.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          line.getErr().println("bramble: " + line.getCommandName() + " failed: " + e.getMessage());
          line.getErr().flush();
          return 1;
        });
    return cl;
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Creates commands, handing a {@link LauncherContext} to those whose constructor takes one. */
  static final class ContextFactory implements CommandLine.IFactory {
    private final LauncherContext context;

    ContextFactory(LauncherContext context) {
      this.context = context;
    }

    @Override
    public <K> K create(Class<K> cls) throws Exception {
      try {
        return cls.getDeclaredConstructor(LauncherContext.class).newInstance(context);
      } catch (NoSuchMethodException noContext) {
        return CommandLine.defaultFactory().create(cls);
      }
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Bramble.class.getPackage().getImplementationVersion();
      return new String[] {"bramble " + (v == null ? "0.1.0-SNAPSHOT" : v)};
    }
  }
}
