package io.bramble.runtime;

import io.bramble.core.application.ActionFailedException;
import io.bramble.schemas.avro.ErrorInfo;
import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Turns a failure into the {@link ErrorInfo} carried by results: the whole message chain, the
 * failed action.
 */
public final class Errors {
  private Errors() {}

  public static ErrorInfo of(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    StringWriter trace = new StringWriter();
    t.printStackTrace(new PrintWriter(trace));
    String action = t instanceof ActionFailedException f ? f.action() : null;
    return ErrorInfo.newBuilder()
        .setType(root.getClass().getName())
        .setMessage(t.getMessage() == null ? t.getClass().getName() : t.getMessage())
        .setStackTrace(trace.toString())
        .setAction(action)
        .build();
  }

  public static ErrorInfo of(String type, String message, String action) {
    return ErrorInfo.newBuilder()
        .setType(type)
        .setMessage(message)
        .setStackTrace(null)
        .setAction(action)
        .build();
  }
}
