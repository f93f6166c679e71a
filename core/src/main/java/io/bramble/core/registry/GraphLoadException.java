package io.bramble.core.registry;

import java.util.List;

/** The graphs of a class path could not all be loaded; one line per problem. */
public class GraphLoadException extends IllegalStateException {
  private final List<String> problems;

  public GraphLoadException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
