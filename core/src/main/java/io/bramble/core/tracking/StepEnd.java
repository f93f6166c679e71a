package io.bramble.core.tracking;

import io.bramble.core.state.State;
import java.util.Map;

/** A step ended: with a result and new state, or with {@code error} (then state is the old one). */
public record StepEnd(
    String appId,
    String partitionKey,
    long sequenceId,
    String action,
    Map<String, Object> result,
    State state,
    Throwable error,
    long startedAtMs,
    long endedAtMs) {}
