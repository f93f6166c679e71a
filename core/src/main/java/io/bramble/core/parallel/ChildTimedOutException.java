package io.bramble.core.parallel;

import java.time.Duration;

/**
 * A child that was not done within its parallel action's {@link ParallelAction#childTimeout()}: it
 * counts as failed, with this as its error (its {@link ChildFailure#errorType()} is this class's
 * name, locally and distributed alike).
 */
public final class ChildTimedOutException extends RuntimeException {
  public ChildTimedOutException(String childAppId, String parallelAction, Duration timeout) {
    super(message(childAppId, parallelAction, timeout));
  }

  /** The message, for a runtime that reports the failure without throwing. */
  public static String message(String childAppId, String parallelAction, Duration timeout) {
    return "child "
        + childAppId
        + " of parallel action '"
        + parallelAction
        + "' did not finish within "
        + timeout;
  }
}
