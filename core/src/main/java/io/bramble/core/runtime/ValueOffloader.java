package io.bramble.core.runtime;

import io.bramble.core.state.DeferredValue;
import io.bramble.core.state.State;

/**
 * Where a runtime keeps state values too large to travel in every record: an application hands it
 * its state after every step, and it returns the state with each such value replaced by a {@link
 * DeferredValue} (stored once, read back when a step reads the key). Local runs keep every value in
 * place ({@link #NONE}). It may refuse a value (too large even for its store) by throwing, which
 * fails the step with its message.
 */
@FunctionalInterface
public interface ValueOffloader {
  ValueOffloader NONE = state -> state;

  State offload(State state);
}
