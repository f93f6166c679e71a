package io.bramble.core.tracking;

import io.bramble.core.state.State;
import java.util.Map;

/** A step is about to run. */
public record StepStart(
    String appId,
    String partitionKey,
    long sequenceId,
    String action,
    Map<String, Object> inputs,
    State state,
    long startedAtMs) {}
