package io.bramble.core.tracking;

/**
 * An application stopped: it ended (no action follows {@code lastAction}), a step failed for good,
 * or a halt stopped it in front of {@code nextAction}. A halted or failed application can be run
 * again from where it stopped.
 */
public record ApplicationEnd(
    String appId,
    String partitionKey,
    Status status,
    Long lastSequenceId,
    String lastAction,
    String nextAction,
    String error,
    long atMs) {

  /** How an application stopped. */
  public enum Status {
    COMPLETED,
    FAILED,
    HALTED
  }
}
