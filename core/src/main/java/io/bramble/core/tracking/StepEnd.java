package io.bramble.core.tracking;

import io.bramble.core.state.State;
import java.util.List;
import java.util.Map;

/**
 * A step ended: with a result and new state, or with {@code error} (then state is the old one);
 * with the model calls it made.
 */
public record StepEnd(
    String appId,
    String partitionKey,
    long sequenceId,
    String action,
    Map<String, Object> result,
    State state,
    Throwable error,
    long startedAtMs,
    long endedAtMs,
    List<ModelCall> modelCalls) {
  public StepEnd {
    modelCalls = modelCalls == null ? List.of() : List.copyOf(modelCalls);
  }

  /** A step that made no model call. */
  public StepEnd(
      String appId,
      String partitionKey,
      long sequenceId,
      String action,
      Map<String, Object> result,
      State state,
      Throwable error,
      long startedAtMs,
      long endedAtMs) {
    this(
        appId,
        partitionKey,
        sequenceId,
        action,
        result,
        state,
        error,
        startedAtMs,
        endedAtMs,
        null);
  }
}
