package io.bramble.runtime;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.graph.Transition;
import io.bramble.schemas.avro.NextInputs;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The inputs an app may be given in front of {@code action}: those the action requires, and those
 * it or any action the app can reach after it takes (a task's inputs go to each of its steps; a
 * parallel step hands its children those it declares itself). A submit or a resume that leaves out
 * a required one, or gives one that nothing takes, is refused: a misspelt input would otherwise be
 * dropped and its action run without it. A halted app's resume task carries this, so the
 * coordinator, which reads no graph, can refuse a resume.
 */
public record DeclaredInputs(String action, List<String> required, List<String> accepted) {
  public DeclaredInputs {
    required = List.copyOf(required);
    accepted = List.copyOf(accepted);
  }

  /** The inputs of an app of {@code graph} in front of {@code action}. */
  public static DeclaredInputs of(Graph graph, String action) {
    Set<String> accepted = new TreeSet<>();
    Set<String> reached = new LinkedHashSet<>();
    Deque<String> next = new ArrayDeque<>(List.of(action));
    while (!next.isEmpty()) {
      String name = next.poll();
      if (!reached.add(name)) {
        continue;
      }
      Action a = graph.action(name);
      accepted.addAll(a.requiredInputs());
      accepted.addAll(a.optionalInputs());
      for (Transition t : graph.transitions()) {
        if (t.from().equals(name)) {
          next.add(t.to());
        }
      }
    }
    return new DeclaredInputs(action, graph.action(action).requiredInputs(), List.copyOf(accepted));
  }

  public static DeclaredInputs fromAvro(NextInputs in) {
    return new DeclaredInputs(in.getAction(), in.getRequired(), in.getAccepted());
  }

  public NextInputs toAvro() {
    return NextInputs.newBuilder()
        .setAction(action)
        .setRequired(required)
        .setAccepted(accepted)
        .build();
  }

  /**
   * Refuses inputs {@code given} (by {@code whom}: "the job", "the resume") that hold one nothing
   * from {@code action} on takes (a misspelt one, most likely), or leave out one it requires, with
   * an error naming what is taken and what was given.
   */
  public void check(Collection<String> given, String whom) {
    Set<String> sorted = new TreeSet<>(given);
    for (String input : sorted) {
      if (!accepted.contains(input)) {
        throw new IllegalArgumentException(
            "input '"
                + input
                + "' is taken by no action from '"
                + action
                + "' on (they take: "
                + (accepted.isEmpty() ? "no inputs" : accepted)
                + "; is it misspelt?)");
      }
    }
    for (String input : required) {
      if (!given.contains(input)) {
        throw new IllegalArgumentException(
            "action '"
                + action
                + "' requires input '"
                + input
                + "', which "
                + whom
                + " does not give (inputs given: "
                + sorted
                + ")");
      }
    }
  }
}
