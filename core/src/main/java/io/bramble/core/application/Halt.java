package io.bramble.core.application;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Where a run stops: in front of any of some actions, or after any of others. An action is named,
 * or {@code @tag:NAME} stands for every action tagged NAME. At least one step runs before a halt is
 * checked, and halt-before is checked first.
 *
 * <pre>{@code
 * app.run(Halt.after("final_draft"), inputs);
 * app.run(Halt.before("approve").andAfter("@tag:llm"));
 * }</pre>
 *
 * <p>This is the one place that decides whether a run halts: the local run, the worker and the
 * coordinator's reduce all ask it.
 */
public final class Halt {
  public static final String TAG_PREFIX = "@tag:";
  private static final Halt NEVER = new Halt(List.of(), List.of());

  private final List<String> before;
  private final List<String> after;

  private Halt(List<String> before, List<String> after) {
    this.before = List.copyOf(before);
    this.after = List.copyOf(after);
  }

  /** Runs to the end. */
  public static Halt never() {
    return NEVER;
  }

  /** Stops in front of any of {@code actions} (not running it). */
  public static Halt before(String... actions) {
    return new Halt(List.of(actions), List.of());
  }

  /** Stops once any of {@code actions} has run. */
  public static Halt after(String... actions) {
    return new Halt(List.of(), List.of(actions));
  }

  /** Stops in front of any of {@code before} and after any of {@code after}. */
  public static Halt of(List<String> before, List<String> after) {
    return before.isEmpty() && after.isEmpty() ? NEVER : new Halt(before, after);
  }

  /** This halt, also stopping in front of {@code actions}. */
  public Halt andBefore(String... actions) {
    List<String> b = new ArrayList<>(before);
    b.addAll(List.of(actions));
    return new Halt(b, after);
  }

  /** This halt, also stopping after {@code actions}. */
  public Halt andAfter(String... actions) {
    List<String> a = new ArrayList<>(after);
    a.addAll(List.of(actions));
    return new Halt(before, a);
  }

  /** This halt and {@code other}: stops where either stops. */
  public Halt and(Halt other) {
    return andBefore(other.before.toArray(String[]::new))
        .andAfter(other.after.toArray(String[]::new));
  }

  /**
   * The part of this halt that {@code graph} has: names of its actions, or tags one of them has.
   */
  public Halt within(Graph graph) {
    return of(
        before.stream().filter(h -> names(h, graph)).toList(),
        after.stream().filter(h -> names(h, graph)).toList());
  }

  /** Whether {@code halt} is an action of {@code graph}, or {@code @tag:NAME} of a tag one has. */
  public static boolean names(String halt, Graph graph) {
    if (halt.startsWith(TAG_PREFIX)) {
      String tag = halt.substring(TAG_PREFIX.length());
      return graph.actions().stream().anyMatch(a -> a.tags().contains(tag));
    }
    return graph.hasAction(halt);
  }

  /** The actions (or tags) a run stops in front of. */
  public List<String> beforeActions() {
    return before;
  }

  /** The actions (or tags) a run stops after. */
  public List<String> afterActions() {
    return after;
  }

  /** Refuses names that are neither an action of {@code graph} nor a tag one of its actions has. */
  public Halt validate(Graph graph) {
    check(graph, before, "halt before");
    check(graph, after, "halt after");
    return this;
  }

  private static void check(Graph graph, List<String> halts, String which) {
    for (String h : halts) {
      if (names(h, graph)) {
        continue;
      }
      if (h.startsWith(TAG_PREFIX)) {
        throw new ApplicationException(
            which + " names tag '" + h.substring(TAG_PREFIX.length()) + "', which no action has");
      } else {
        throw new ApplicationException(
            which
                + " names unknown action '"
                + h
                + "' (actions: "
                + graph.actions().stream().map(Action::name).toList()
                + ")");
      }
    }
  }

  /**
   * The rule: after a step of {@code last}, with {@code next} to follow (null at the end), the run
   * stops when {@code next} is a halt-before action or {@code last} a halt-after one.
   */
  boolean stopsBetween(Action last, Action next) {
    return next != null && stopsBefore(next) || matches(last, after);
  }

  /** Whether the run stops in front of {@code next}. */
  boolean stopsBefore(Action next) {
    return matches(next, before);
  }

  private static boolean matches(Action action, List<String> halts) {
    for (String h : halts) {
      if (h.startsWith(TAG_PREFIX)
          ? action.tags().contains(h.substring(TAG_PREFIX.length()))
          : h.equals(action.name())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Halt h && before.equals(h.before) && after.equals(h.after);
  }

  @Override
  public int hashCode() {
    return Objects.hash(before, after);
  }

  @Override
  public String toString() {
    return "Halt(before=" + before + ", after=" + after + ")";
  }
}
