package io.bramble.core.graph;

import io.bramble.core.action.Action;
import io.bramble.core.runtime.Pools;
import io.bramble.core.state.State;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Actions joined by transitions. Transitions out of an action are checked in declaration order; the
 * first whose condition holds wins, and none holding ends the application.
 */
public final class Graph {
  private final Map<String, Action> actions;
  private final List<Transition> transitions;
  private final Map<String, List<Transition>> outgoing;

  private Graph(Map<String, Action> actions, List<Transition> transitions) {
    this.actions = Collections.unmodifiableMap(actions);
    this.transitions = List.copyOf(transitions);
    Map<String, List<Transition>> out = new HashMap<>();
    for (Transition t : transitions) {
      out.computeIfAbsent(t.from(), k -> new ArrayList<>()).add(t);
    }
    this.outgoing = out;
  }

  public static Builder builder() {
    return new Builder();
  }

  public Action action(String name) {
    Action a = actions.get(name);
    if (a == null) {
      throw new GraphException("unknown action '" + name + "' (actions: " + actions.keySet() + ")");
    }
    return a;
  }

  public boolean hasAction(String name) {
    return actions.containsKey(name);
  }

  public List<Action> actions() {
    return List.copyOf(actions.values());
  }

  public List<Transition> transitions() {
    return transitions;
  }

  /** The action that follows {@code from} in {@code state}, or null when the application ends. */
  public String next(String from, State state) {
    List<Transition> candidates = outgoing.get(from);
    if (candidates == null) {
      return null;
    }
    for (Transition t : candidates) {
      if (t.condition().test(state, from)) {
        return t.to();
      }
    }
    return null;
  }

  /** Mermaid flowchart text. */
  /** This graph as data (what trackers record). */
  public GraphView view() {
    return GraphView.of(this);
  }

  public String toMermaid() {
    return GraphRenderer.mermaid(this);
  }

  /** Graphviz DOT text. */
  public String toDot() {
    return GraphRenderer.dot(this);
  }

  /** Collects actions and transitions; {@link #build()} checks that every name resolves. */
  public static final class Builder {
    private final Map<String, Action> actions = new LinkedHashMap<>();
    private final List<Transition> transitions = new ArrayList<>();

    public Builder withActions(Action... actions) {
      for (Action a : actions) {
        if (this.actions.putIfAbsent(a.name(), a) != null) {
          throw new GraphException("two actions are named '" + a.name() + "'");
        }
      }
      return this;
    }

    public Builder withActions(List<? extends Action> actions) {
      return withActions(actions.toArray(new Action[0]));
    }

    public Builder withTransitions(Transition... transitions) {
      this.transitions.addAll(List.of(transitions));
      return this;
    }

    public Builder withTransition(String from, String to) {
      return withTransitions(Transition.of(from, to));
    }

    public Builder withTransition(String from, String to, Condition condition) {
      return withTransitions(Transition.of(from, to, condition));
    }

    /** The same transition from several actions. */
    public Builder withTransition(List<String> from, String to, Condition condition) {
      from.forEach(f -> withTransition(f, to, condition));
      return this;
    }

    public Graph build() {
      for (Transition t : transitions) {
        for (String end : List.of(t.from(), t.to())) {
          if (!actions.containsKey(end)) {
            throw new GraphException(
                "transition "
                    + t.from()
                    + " -> "
                    + t.to()
                    + " names unknown action '"
                    + end
                    + "' (actions: "
                    + actions.keySet()
                    + ")");
          }
        }
      }
      for (Action a : actions.values()) {
        a.pool()
            .flatMap(pool -> Pools.problem(pool, "action '" + a.name() + "'"))
            .ifPresent(
                problem -> {
                  throw new GraphException(problem);
                });
      }
      return new Graph(new LinkedHashMap<>(actions), transitions);
    }
  }
}
