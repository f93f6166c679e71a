package io.bramble.core.action;

import io.bramble.core.state.State;
import java.util.Map;

/** What an action returns: its result (shown to callers and trackers) and the new state. */
public record ActionOutcome(Map<String, Object> result, State state) {
  public static ActionOutcome of(Map<String, Object> result, State state) {
    return new ActionOutcome(result, state);
  }
}
