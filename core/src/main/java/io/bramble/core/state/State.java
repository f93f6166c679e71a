package io.bramble.core.state;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An immutable map of String keys to JSON-like values (see {@link StateValues}). Every operation
 * returns a new State. Keys starting with {@code __} are internal to the runtime ({@link
 * #SEQUENCE_ID}, {@link #PRIOR_STEP}): the user-facing operations refuse them.
 */
public final class State {
  public static final String INTERNAL_PREFIX = "__";
  public static final String SEQUENCE_ID = "__SEQUENCE_ID";
  public static final String PRIOR_STEP = "__PRIOR_STEP";

  private static final State EMPTY = new State(Collections.emptyMap());

  private final Map<String, Object> values;

  private State(Map<String, Object> normalizedValues) {
    this.values = normalizedValues;
  }

  public static State empty() {
    return EMPTY;
  }

  /** A state holding {@code values}; internal ({@code __}) keys are refused. */
  public static State of(Map<String, ?> values) {
    return EMPTY.update(values);
  }

  /** A state from alternating keys and values: {@code State.of("a", 1, "b", "x")}. */
  public static State of(Object... keysAndValues) {
    return of(pairs("State.of", keysAndValues));
  }

  private static Map<String, Object> pairs(String operation, Object... keysAndValues) {
    if (keysAndValues.length % 2 != 0) {
      throw new StateException(
          operation + " needs key/value pairs, got " + keysAndValues.length + " arguments");
    }
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      if (!(keysAndValues[i] instanceof String)) {
        throw new StateException(operation + ": argument " + i + " must be a String key");
      }
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  /**
   * A state restored from storage or the wire, internal keys included. For the runtime (persisters,
   * serdes); application code uses {@link #of(Map)}.
   */
  static State restore(Map<String, ?> values) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : values.entrySet()) {
      m.put(e.getKey(), StateValues.normalize(e.getKey(), e.getValue()));
    }
    return new State(Collections.unmodifiableMap(m));
  }

  // ---- reads -------------------------------------------------------------------------------

  public Object get(String key) {
    return loaded(values.get(key));
  }

  /** The value at {@code key} as {@code type}; a clear error if missing or of another type. */
  public <T> T get(String key, Class<T> type) {
    if (!values.containsKey(key)) {
      throw new StateException("state has no key '" + key + "' (keys: " + keys() + ")");
    }
    Object v = loaded(values.get(key));
    if (v != null && !type.isInstance(v)) {
      throw new StateException(
          "state key '"
              + key
              + "' holds "
              + v.getClass().getSimpleName()
              + ", not "
              + type.getSimpleName());
    }
    return type.cast(v);
  }

  public Object getOrDefault(String key, Object fallback) {
    return values.containsKey(key) ? loaded(values.get(key)) : fallback;
  }

  public String getString(String key) {
    return get(key, String.class);
  }

  public long getLong(String key) {
    return get(key, Long.class);
  }

  @SuppressWarnings("unchecked")
  public <T> List<T> getList(String key) {
    return (List<T>) get(key, List.class);
  }

  @SuppressWarnings("unchecked")
  public Map<String, Object> getMap(String key) {
    return (Map<String, Object>) get(key, Map.class);
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  public Set<String> keys() {
    return values.keySet();
  }

  /** Every key and value, internal keys included; unmodifiable. */
  public Map<String, Object> asMap() {
    return loadedAll(values, false);
  }

  /** The user's keys and values, without internal ({@code __}) keys. */
  public Map<String, Object> userValues() {
    return loadedAll(values, true);
  }

  /** The values as held: a {@link DeferredValue} stays one (for runtimes, which store states). */
  Map<String, Object> raw() {
    return values;
  }

  /** {@code v}, loaded if it is deferred. */
  private static Object loaded(Object v) {
    return v instanceof DeferredValue d ? d.value() : v;
  }

  private static Map<String, Object> loadedAll(Map<String, Object> values, boolean userOnly) {
    Map<String, Object> m = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (!userOnly || !isInternal(k)) {
            m.put(k, loaded(v));
          }
        });
    return Collections.unmodifiableMap(m);
  }

  public int size() {
    return values.size();
  }

  // ---- operations --------------------------------------------------------------------------

  /** Upserts the given keys. */
  public State update(Map<String, ?> updates) {
    if (updates.isEmpty()) {
      return this;
    }
    Map<String, Object> m = new LinkedHashMap<>(values);
    for (Map.Entry<String, ?> e : updates.entrySet()) {
      String key = userKey(e.getKey(), "update");
      m.put(key, StateValues.normalize(key, e.getValue()));
    }
    return new State(Collections.unmodifiableMap(m));
  }

  public State update(String key, Object value) {
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put(userKey(key, "update"), StateValues.normalize(key, value));
    return new State(Collections.unmodifiableMap(m));
  }

  /** Upserts alternating keys and values: {@code state.update("a", 1, "b", "x")}. */
  public State update(String key, Object value, Object... moreKeysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put(key, value);
    m.putAll(pairs("update", moreKeysAndValues));
    return update(m);
  }

  /**
   * Appends values to the list at {@code key}, creating it if missing; an error if it is not a
   * list.
   */
  public State append(String key, Object... items) {
    return extend(key, Arrays.asList(items));
  }

  /** Appends every item to the list at {@code key}, creating it if missing. */
  public State extend(String key, Collection<?> items) {
    userKey(key, "append/extend");
    Object current = loaded(values.get(key));
    if (current != null && !(current instanceof List)) {
      throw new StateException(
          "cannot append to state key '"
              + key
              + "': it holds "
              + current.getClass().getSimpleName()
              + ", not a List");
    }
    List<Object> list = current == null ? new ArrayList<>() : new ArrayList<>((List<?>) current);
    list.addAll(items);
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put(key, StateValues.normalize(key, list));
    return new State(Collections.unmodifiableMap(m));
  }

  /** Adds {@code by} to the integer at {@code key}, creating it (from 0) if missing. */
  public State increment(String key, long by) {
    userKey(key, "increment");
    Object current = loaded(values.get(key));
    if (current != null && !(current instanceof Long)) {
      throw new StateException(
          "cannot increment state key '"
              + key
              + "': it holds "
              + current.getClass().getSimpleName()
              + ", not an integer");
    }
    long base = current == null ? 0L : (Long) current;
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put(key, Math.addExact(base, by));
    return new State(Collections.unmodifiableMap(m));
  }

  public State increment(String key) {
    return increment(key, 1);
  }

  /**
   * Removes the {@code delete} keys, or keeps only the {@code keep} keys (plus internal ones). Give
   * exactly one of them; the other must be null.
   */
  public State wipe(Collection<String> delete, Collection<String> keep) {
    if (delete != null && keep != null) {
      throw new StateException(
          "wipe takes delete or keep, not both (delete=" + delete + ", keep=" + keep + ")");
    }
    if (delete == null && keep == null) {
      throw new StateException("wipe needs delete or keep");
    }
    Map<String, Object> m = new LinkedHashMap<>(values);
    if (delete != null) {
      for (String k : delete) {
        m.remove(userKey(k, "wipe"));
      }
    } else {
      m.keySet().removeIf(k -> !isInternal(k) && !keep.contains(k));
    }
    return new State(Collections.unmodifiableMap(m));
  }

  /** This state's keys overlaid with {@code other}'s (other wins), internal keys included. */
  public State merge(State other) {
    if (other.values.isEmpty()) {
      return this;
    }
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.putAll(other.values);
    return new State(Collections.unmodifiableMap(m));
  }

  /** Only the given keys (those present), plus internal keys. */
  public State subset(Collection<String> keys) {
    Map<String, Object> m = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (isInternal(k) || keys.contains(k)) {
            m.put(k, v);
          }
        });
    return new State(Collections.unmodifiableMap(m));
  }

  public State subset(String... keys) {
    return subset(Arrays.asList(keys));
  }

  /** This state without the runtime's internal keys, e.g. to seed a fresh child application. */
  State withoutInternal() {
    for (String k : values.keySet()) {
      if (isInternal(k)) {
        Map<String, Object> m = new LinkedHashMap<>(values);
        m.keySet().removeIf(State::isInternal);
        return new State(Collections.unmodifiableMap(m));
      }
    }
    return this;
  }

  /** Sets an internal key; for the runtime only. */
  State withInternal(String key, Object value) {
    if (!isInternal(key)) {
      throw new StateException(
          "withInternal is for internal keys (starting with __), not '" + key + "'");
    }
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put(key, StateValues.normalize(key, value));
    return new State(Collections.unmodifiableMap(m));
  }

  /** Records which step produced this state; for the runtime only. */
  State withStep(long sequenceId, String action) {
    Map<String, Object> m = new LinkedHashMap<>(values);
    m.put(SEQUENCE_ID, sequenceId);
    m.put(PRIOR_STEP, action);
    return new State(Collections.unmodifiableMap(m));
  }

  static boolean isInternal(String key) {
    return key.startsWith(INTERNAL_PREFIX);
  }

  private static String userKey(String key, String operation) {
    Objects.requireNonNull(key, "state key");
    if (isInternal(key)) {
      throw new StateException(
          "state key '"
              + key
              + "' is internal (keys starting with __ are set by the"
              + " runtime); "
              + operation
              + " may not set it");
    }
    return key;
  }

  // ---- object --------------------------------------------------------------------------------

  @Override
  public boolean equals(Object o) {
    return o instanceof State && StateValues.deepEquals(values, ((State) o).values);
  }

  @Override
  public int hashCode() {
    return StateValues.deepHashCode(values);
  }

  /** The user's keys only: the runtime's ({@code __SEQUENCE_ID}, …) are noise in a log line. */
  @Override
  public String toString() {
    Map<String, Object> user = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (!StateInternals.isInternal(k)) {
            user.put(k, v);
          }
        });
    StringBuilder sb = new StringBuilder("State");
    StateValues.render(user, sb);
    return sb.toString();
  }
}
