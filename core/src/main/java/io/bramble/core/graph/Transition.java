package io.bramble.core.graph;

/** An edge from one action to another, taken when its condition holds. */
public record Transition(String from, String to, Condition condition) {
  public static Transition of(String from, String to) {
    return new Transition(from, to, Condition.DEFAULT);
  }

  public static Transition of(String from, String to, Condition condition) {
    return new Transition(from, to, condition);
  }
}
