package io.bramble.core.persistence;

/** Storage failed; the message names the app and the operation. */
public class PersistenceException extends RuntimeException {
  public PersistenceException(String message, Throwable cause) {
    super(message, cause);
  }
}
