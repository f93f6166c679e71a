package io.bramble.launcher.jobs;

import io.bramble.core.registry.GraphParameter;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.runtime.DeclaredInputs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;

/**
 * A graph's own flags on {@code bramble submit GRAPH} ({@code --types sonnet,haiku}), as {@code
 * bramble run GRAPH} takes them: its {@link GraphParameter}s, known when the launcher has the graph
 * on its class path. A flag given sets its state key or input over the JSON of {@code --state} and
 * {@code --inputs}; a parameter's default fills a key the JSON leaves out (an input's, only where
 * an action from the entrypoint on takes it). A graph flag named like one of submit's own options
 * is submit's.
 */
final class GraphFlags {
  private GraphFlags() {}

  /**
   * Applies {@code args} (the words submit did not know) for graph {@code graph} at {@code version}
   * (null: the newest here), started at {@code entrypoint} (null: the graph's own).
   */
  static void apply(
      CommandLine line,
      GraphRegistry loaded,
      String graph,
      String version,
      String entrypoint,
      List<String> args,
      Map<String, Object> state,
      Map<String, Object> inputs) {
    if (!loaded.has(graph, version)) {
      if (!args.isEmpty()) {
        throw new CommandLine.ParameterException(
            line,
            "unknown option '"
                + args.get(0)
                + "': graph '"
                + graph
                + (version == null ? "'" : "' version " + version)
                + " is not on this launcher's class path, so its own flags are unknown here;"
                + " give them as --state or --inputs JSON, or load its jar with BRAMBLE_CLASSPATH");
      }
      return;
    }
    GraphRegistry.Entry entry = loaded.get(graph, version);
    List<GraphParameter> parameters = entry.provider().parameters();
    Map<String, String> given = parse(line, graph, parameters, args);
    // A default input goes only where an action takes it: started further on, none may.
    String start = entrypoint != null ? entrypoint : entry.provider().entrypoint();
    List<String> taken =
        entry.graph().hasAction(start)
            ? DeclaredInputs.of(entry.graph(), start).accepted()
            : List.of(); // the worker refuses the entrypoint, naming it
    for (GraphParameter p : parameters) {
      boolean input = p.target() == GraphParameter.Target.INPUT;
      Map<String, Object> target = input ? inputs : state;
      String text = given.get(p.name());
      if (text == null
          && (target.containsKey(p.key())
              || p.defaultValue() == null
              || (input && !taken.contains(p.key())))) {
        continue;
      }
      try {
        target.put(p.key(), p.parse(text != null ? text : p.defaultValue()));
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(line, "--" + p.name() + ": " + e.getMessage());
      }
    }
  }

  private static Map<String, String> parse(
      CommandLine line, String graph, List<GraphParameter> parameters, List<String> args) {
    Map<String, String> given = new LinkedHashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      String name = arg.startsWith("--") ? arg.substring(2) : null;
      String value = null;
      if (name != null && name.contains("=")) {
        value = name.substring(name.indexOf('=') + 1);
        name = name.substring(0, name.indexOf('='));
      }
      String known = name;
      if (name == null || parameters.stream().noneMatch(p -> p.name().equals(known))) {
        throw new CommandLine.ParameterException(
            line,
            "unknown option '"
                + arg
                + "' for graph '"
                + graph
                + "' (its own flags: "
                + (parameters.isEmpty()
                    ? "none"
                    : parameters.stream()
                        .map(p -> "--" + p.name())
                        .collect(Collectors.joining(", ")))
                + ")");
      }
      if (value == null) {
        if (i + 1 >= args.size()) {
          throw new CommandLine.ParameterException(line, arg + " needs a value");
        }
        value = args.get(++i);
      }
      given.put(name, value);
    }
    return given;
  }
}
