package io.bramble.core.parallel;

/** A child application of a parallel step failed; the message names the step and the child. */
public class ChildApplicationException extends RuntimeException {
  private final String childAppId;
  private final int childIndex;

  public ChildApplicationException(
      String parentAction, int childIndex, String childAppId, Throwable cause) {
    super(
        "child "
            + childIndex
            + " (app "
            + childAppId
            + ") of parallel action '"
            + parentAction
            + "' failed: "
            + cause.getMessage(),
        cause);
    this.childAppId = childAppId;
    this.childIndex = childIndex;
  }

  public String childAppId() {
    return childAppId;
  }

  public int childIndex() {
    return childIndex;
  }
}
