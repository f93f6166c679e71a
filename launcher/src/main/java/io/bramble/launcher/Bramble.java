package io.bramble.launcher;

import io.bramble.core.registry.GraphRegistry;
import io.bramble.launcher.bench.BenchCommand;
import io.bramble.launcher.graphs.GraphClassPath;
import io.bramble.launcher.graphs.GraphsCommand;
import io.bramble.launcher.jobs.CancelCommand;
import io.bramble.launcher.jobs.MigrateCommand;
import io.bramble.launcher.jobs.ResumeCommand;
import io.bramble.launcher.jobs.SubmitCommand;
import io.bramble.launcher.jobs.WatchCommand;
import io.bramble.launcher.platform.CoordinatorCommand;
import io.bramble.launcher.platform.DevCommand;
import io.bramble.launcher.platform.HealthCommand;
import io.bramble.launcher.platform.LagCommand;
import io.bramble.launcher.platform.VersionsCommand;
import io.bramble.launcher.platform.WorkerCommand;
import io.bramble.launcher.run.RunCommand;
import io.bramble.launcher.ui.UiCommand;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
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
      ResumeCommand.class,
      CancelCommand.class,
      MigrateCommand.class,
      WatchCommand.class,
      CoordinatorCommand.class,
      WorkerCommand.class,
      UiCommand.class,
      HealthCommand.class,
      LagCommand.class,
      VersionsCommand.class,
      GraphsCommand.class,
      BenchCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Bramble implements Runnable {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  // Read by execute before the command line is parsed (the graphs shape `run`'s subcommands);
  // declared here for --help.
  @CommandLine.Option(
      names = GraphClassPath.FLAG,
      paramLabel = "JARS",
      description =
          "More jars (or class folders, or DIR/*) to load graphs from, ':'-separated; also BRAMBLE_CLASSPATH. May be given after the command too.")
  String classPathForHelp;

  /** Commands that run graphs: a class path whose graphs do not all load stops them at start-up. */
  private static final Set<String> RUNS_GRAPHS =
      Set.of("run", "dev", "worker", "coordinator", "bench");

  public static void main(String[] args) {
    System.exit(execute(LauncherContext.system(), args));
  }

  /**
   * Runs {@code args} against {@code context}; returns the exit code (0 ok, 1 failed, 2 usage).
   * {@code --classpath} (anywhere) and {@code BRAMBLE_CLASSPATH} name more jars to load graphs
   * from.
   */
  public static int execute(LauncherContext context, String... args) {
    List<String> rest = new ArrayList<>(List.of(args));
    String classPathFlag;
    GraphClassPath classPath;
    try {
      classPathFlag = GraphClassPath.takeFlag(rest);
      classPath = GraphClassPath.of(classPathFlag, context.env().get(GraphClassPath.ENV));
    } catch (IllegalArgumentException e) {
      context.err().println("bramble: " + e.getMessage());
      return 2;
    }
    classPath.warnings().forEach(w -> context.err().println("bramble: warning: " + w));
    Thread thread = Thread.currentThread();
    ClassLoader previous = thread.getContextClassLoader();
    LauncherContext c = context;
    if (!classPath.isEmpty()) {
      GraphClassPath.Loaders loaders = classPath.classLoaders(previous);
      // For libraries that look up services themselves; a graph's steps run with its own jar's.
      thread.setContextClassLoader(loaders.libraries());
      c = context.loadingFrom(loaders.libraries(), loaders.graphs());
    }
    try {
      String command = rest.stream().filter(x -> !x.startsWith("-")).findFirst().orElse("");
      if (RUNS_GRAPHS.contains(command) && !rest.contains("--help") && !rest.contains("-h")) {
        List<String> problems = c.catalog().get().problems();
        if (!problems.isEmpty()) {
          problems.forEach(p -> context.err().println("bramble: " + p));
          context
              .err()
              .println(
                  "bramble: "
                      + command
                      + " needs every graph to load; `bramble graphs` lists them");
          return 2;
        }
      }
      return commandLine(c).execute(rest.toArray(String[]::new));
    } finally {
      thread.setContextClassLoader(previous);
    }
  }

  public static CommandLine commandLine(LauncherContext context) {
    CommandLine cl = new CommandLine(new Bramble(), new ContextFactory(context));
    GraphRegistry graphs = context.catalog().get().loadedGraphs();
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
