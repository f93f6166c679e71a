package io.bramble.core.action;

/** An action broke its contract (writes, inputs); the message names the action and the key. */
public class ActionException extends IllegalStateException {
  public ActionException(String message) {
    super(message);
  }
}
