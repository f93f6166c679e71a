package io.bramble.llm;

/** A chat model call that failed for good (its retries spent, or not worth retrying). */
public class ChatModelException extends RuntimeException {
  public ChatModelException(String message, Throwable cause) {
    super(message, cause);
  }
}
