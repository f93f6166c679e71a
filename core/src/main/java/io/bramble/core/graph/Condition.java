package io.bramble.core.graph;

import io.bramble.core.state.State;
import io.bramble.core.state.StateInternals;
import io.bramble.core.state.StateValues;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * A guard on a transition: a predicate over named state keys. Evaluating a condition whose keys are
 * missing from the state is an error, not a silent false.
 */
public final class Condition {
  /** Always true; put it last. */
  public static final Condition DEFAULT = new Condition("default", Set.of(), s -> true);

  private final String description;
  private final Set<String> keys;
  private final Predicate<State> predicate;

  private Condition(String description, Set<String> keys, Predicate<State> predicate) {
    this.description = description;
    this.keys = keys;
    this.predicate = predicate;
  }

  /** True when every given key equals its value: {@code when("done", true)}. */
  public static Condition when(Object... keysAndValues) {
    if (keysAndValues.length == 0 || keysAndValues.length % 2 != 0) {
      throw new GraphException("when(...) needs key/value pairs");
    }
    Map<String, Object> expected = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      String key = (String) keysAndValues[i];
      expected.put(key, StateValues.normalize(key, keysAndValues[i + 1]));
    }
    return when(expected);
  }

  public static Condition when(Map<String, ?> expected) {
    Map<String, Object> copy = new LinkedHashMap<>();
    expected.forEach((k, v) -> copy.put(k, StateValues.normalize(k, v)));
    StringBuilder desc = new StringBuilder();
    copy.forEach(
        (k, v) -> {
          if (desc.length() > 0) {
            desc.append(", ");
          }
          desc.append(k).append('=');
          StateValues.render(v, desc);
        });
    return new Condition(
        desc.toString(),
        Set.copyOf(copy.keySet()),
        state -> {
          for (Map.Entry<String, Object> e : copy.entrySet()) {
            if (!StateValues.deepEquals(state.get(e.getKey()), e.getValue())) {
              return false;
            }
          }
          return true;
        });
  }

  /**
   * A condition written as an expression over state keys, as Burr's {@code expr}: {@code
   * expr("count < 3")}, {@code expr("done or attempts >= max_attempts")}. The keys it reads are
   * those it names; see {@link Expression} for the language.
   */
  public static Condition expr(String expression) {
    Expression.Parsed parsed = Expression.parse(expression);
    return new Condition(expression, parsed.keys(), s -> Expression.truthy(parsed.eval().apply(s)));
  }

  /** A predicate over the state that reads {@code keys}; the description is what graphs show. */
  public static Condition expr(String description, Predicate<State> predicate, String... keys) {
    return new Condition(description, Set.copyOf(List.of(keys)), predicate);
  }

  public static Condition not(Condition c) {
    return new Condition("not(" + c.description + ")", c.keys, s -> !c.predicate.test(s));
  }

  public static Condition and(Condition... cs) {
    return combine(" and ", true, cs);
  }

  public static Condition or(Condition... cs) {
    return combine(" or ", false, cs);
  }

  public Condition negate() {
    return not(this);
  }

  public Condition and(Condition other) {
    return and(this, other);
  }

  public Condition or(Condition other) {
    return or(this, other);
  }

  private static Condition combine(String op, boolean all, Condition... cs) {
    Set<String> keys = new LinkedHashSet<>();
    StringBuilder desc = new StringBuilder("(");
    for (int i = 0; i < cs.length; i++) {
      keys.addAll(cs[i].keys);
      desc.append(i == 0 ? "" : op).append(cs[i].description);
    }
    desc.append(')');
    List<Condition> list = List.of(cs);
    return new Condition(
        desc.toString(),
        Set.copyOf(keys),
        s ->
            all
                ? list.stream().allMatch(c -> c.predicate.test(s))
                : list.stream().anyMatch(c -> c.predicate.test(s)));
  }

  /** Evaluates on {@code state}; {@code from} names the action whose transition this guards. */
  public boolean test(State state, String from) {
    for (String k : keys) {
      if (!state.has(k)) {
        throw new GraphException(
            "condition '"
                + description
                + "' on the transition from '"
                + from
                + "' reads key '"
                + k
                + "', which is not in the state (keys: "
                + state.keys().stream().filter(key -> !StateInternals.isInternal(key)).toList()
                + ")");
      }
    }
    return predicate.test(state);
  }

  public String description() {
    return description;
  }

  public Set<String> keys() {
    return keys;
  }

  public boolean isDefault() {
    return this == DEFAULT;
  }

  @Override
  public String toString() {
    return description;
  }
}
