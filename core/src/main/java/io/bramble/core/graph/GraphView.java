package io.bramble.core.graph;

import io.bramble.core.action.Action;
import io.bramble.core.parallel.ParallelAction;
import java.util.List;

/**
 * A graph as data: its actions and transitions. Trackers record it (the file tracker in {@code
 * graph.json}, the event tracker in the events topic) and the UI draws it, so nobody parses a
 * rendering back.
 */
public record GraphView(List<ActionView> actions, List<TransitionView> transitions) {

  /** One action: its name, whether it fans out, what it reads and writes, its tags. */
  public record ActionView(
      String name, boolean parallel, List<String> reads, List<String> writes, List<String> tags) {
    public ActionView {
      reads = List.copyOf(reads);
      writes = List.copyOf(writes);
      tags = List.copyOf(tags);
    }
  }

  /** One transition, with its condition as written ({@code default} when unconditional). */
  public record TransitionView(String from, String to, String condition) {}

  public GraphView {
    actions = List.copyOf(actions);
    transitions = List.copyOf(transitions);
  }

  public static GraphView of(Graph graph) {
    return new GraphView(
        graph.actions().stream().map(GraphView::action).toList(),
        graph.transitions().stream()
            .map(t -> new TransitionView(t.from(), t.to(), t.condition().description()))
            .toList());
  }

  private static ActionView action(Action a) {
    return new ActionView(
        a.name(),
        a instanceof ParallelAction,
        a.reads(),
        a.writes(),
        a.tags().stream().sorted().toList());
  }

  /** True when nothing follows {@code action}: an application ends after it. */
  public boolean isTerminal(String action) {
    return transitions.stream().noneMatch(t -> t.from().equals(action));
  }
}
