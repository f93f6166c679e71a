package io.bramble.client;

/**
 * Why a job failed: the error's {@code type} (an exception's class name, or Bramble's own kind),
 * its {@code message}, the {@code action} that failed when known (else null), and its stack trace
 * (may be null).
 */
public record JobError(String type, String message, String action, String stackTrace) {
  @Override
  public String toString() {
    return (action == null ? "" : "action '" + action + "': ") + message + " (" + type + ")";
  }
}
