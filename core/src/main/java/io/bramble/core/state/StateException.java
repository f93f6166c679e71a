package io.bramble.core.state;

/** A state operation was given a value or key it cannot accept; the message names the key. */
public class StateException extends IllegalArgumentException {
  public StateException(String message) {
    super(message);
  }
}
