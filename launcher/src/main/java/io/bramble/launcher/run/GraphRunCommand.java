package io.bramble.launcher.run;

import io.bramble.core.registry.GraphParameter;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.settings.Configuration;
import io.bramble.launcher.settings.JsonOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * {@code bramble run NAME}: one subcommand per graph on the class path. Its flags are the graph's
 * own {@link GraphParameter}s, plus {@code --state}/{@code --inputs} (JSON objects, applied first)
 * and the {@link RunOptions} every run takes.
 */
final class GraphRunCommand implements Callable<Integer> {
  private final LauncherContext context;
  private final GraphRegistry.Entry graph;
  private final RunOptions options = new RunOptions();
  private CommandSpec spec;

  private GraphRunCommand(LauncherContext context, GraphRegistry.Entry graph) {
    this.context = context;
    this.graph = graph;
  }

  /** The subcommand for {@code graph}. */
  static CommandLine commandLine(LauncherContext context, GraphRegistry.Entry graph) {
    GraphRunCommand command = new GraphRunCommand(context, graph);
    CommandSpec spec = CommandSpec.wrapWithoutInspection(command);
    spec.name(graph.name()).mixinStandardHelpOptions(true);
    spec.usageMessage()
        .description(
            "Runs graph '"
                + graph.name()
                + "' (version "
                + graph.version()
                + ") in this JVM, "
                + "printing each step and the final state.");
    for (GraphParameter p : graph.provider().parameters()) {
      spec.addOption(
          OptionSpec.builder("--" + p.name())
              .paramLabel(
                  p.type() == GraphParameter.Type.INTEGER
                      ? "N"
                      : p.type() == GraphParameter.Type.LIST ? "A,B,…" : "TEXT")
              .type(String.class)
              .defaultValue(p.defaultValue())
              .description(
                  (p.description() == null ? "" : p.description() + " ")
                      + "("
                      + (p.target() == GraphParameter.Target.STATE ? "state" : "input")
                      + " "
                      + p.key()
                      + (p.defaultValue() == null ? "" : "; default: " + p.defaultValue())
                      + ").")
              .build());
    }
    spec.addOption(
        OptionSpec.builder("--state")
            .paramLabel("JSON")
            .type(String.class)
            .description(
                "State to start from, as a JSON object (the graph's flags override its keys).")
            .build());
    spec.addOption(
        OptionSpec.builder("--inputs")
            .paramLabel("JSON")
            .type(String.class)
            .description("Inputs, as a JSON object (the graph's flags override its keys).")
            .build());
    spec.addMixin("run", CommandSpec.forAnnotatedObject(command.options));
    command.spec = spec;
    return new CommandLine(spec);
  }

  @Override
  public Integer call() {
    CommandLine line = spec.commandLine();
    Configuration.checkEnvironment(line, context.env(), context.graphSettings());
    options.validate(line);
    Map<String, Object> state = new LinkedHashMap<>(json("--state"));
    Map<String, Object> inputs = new LinkedHashMap<>(json("--inputs"));
    for (GraphParameter p : graph.provider().parameters()) {
      String text = spec.findOption("--" + p.name()).getValue();
      if (text == null) {
        continue;
      }
      Object value;
      try {
        value = p.parse(text);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(line, e.getMessage());
      }
      (p.target() == GraphParameter.Target.STATE ? state : inputs).put(p.key(), value);
    }
    State initial;
    try {
      initial = graph.provider().defaultState().merge(State.of(state));
    } catch (RuntimeException e) {
      throw new CommandLine.ParameterException(line, "--state: " + e.getMessage());
    }
    return new ApplicationRun(context, options).run(graph, initial, inputs);
  }

  private Map<String, Object> json(String option) {
    return JsonOption.read(spec.commandLine(), option, spec.findOption(option).getValue());
  }
}
