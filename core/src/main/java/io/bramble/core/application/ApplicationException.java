package io.bramble.core.application;

/**
 * The application was used wrongly (unknown halt, reserved input, nothing to resume); the message
 * says how.
 */
public class ApplicationException extends IllegalArgumentException {
  public ApplicationException(String message) {
    super(message);
  }
}
