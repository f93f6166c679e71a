package io.bramble.core.application;

import io.bramble.core.parallel.ChildApplicationException;

/**
 * A step failed; the message names the app, the action and the step, the cause is what the action
 * threw.
 */
public class ActionFailedException extends RuntimeException {
  private final String appId;
  private final String action;
  private final long sequenceId;

  public ActionFailedException(String appId, String action, long sequenceId, Throwable cause) {
    super(
        "action '"
            + action
            + "' failed (app "
            + appId
            + ", step "
            + sequenceId
            + "): "
            + (cause instanceof ActionFailedException || cause instanceof ChildApplicationException
                ? cause.getMessage()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage()),
        cause);
    this.appId = appId;
    this.action = action;
    this.sequenceId = sequenceId;
  }

  public String appId() {
    return appId;
  }

  public String action() {
    return action;
  }

  public long sequenceId() {
    return sequenceId;
  }

  /** The innermost cause: what user code threw, through any child applications. */
  public Throwable rootCause() {
    Throwable t = this;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t;
  }
}
