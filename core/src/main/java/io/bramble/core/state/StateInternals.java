package io.bramble.core.state;

import java.util.Map;

/**
 * What the runtime does with a state's internal keys ({@code __SEQUENCE_ID}, {@code __PRIOR_STEP}:
 * keys starting with {@code __}): the application stamping each step, persisters and codecs
 * restoring a saved state, children starting without their parent's keys, the coordinator refusing
 * jobs that set them. Application code never needs it; {@link State} is the user API.
 */
public final class StateInternals {
  private StateInternals() {}

  /** Whether {@code key} is internal (starts with {@code __}). */
  public static boolean isInternal(String key) {
    return State.isInternal(key);
  }

  /** A state restored from storage or the wire, internal keys included. */
  public static State restore(Map<String, ?> values) {
    return State.restore(values);
  }

  /** {@code state} recording that step {@code sequenceId} of {@code action} produced it. */
  public static State withStep(State state, long sequenceId, String action) {
    return state.withStep(sequenceId, action);
  }

  /** {@code state} with internal key {@code key} set. */
  public static State withInternal(State state, String key, Object value) {
    return state.withInternal(key, value);
  }

  /**
   * {@code state}'s values as held, a {@link DeferredValue} not loaded: for the runtimes that store
   * and send states.
   */
  public static Map<String, Object> raw(State state) {
    return state.raw();
  }

  /** {@code state} without its internal keys. */
  public static State withoutInternal(State state) {
    return state.withoutInternal();
  }
}
