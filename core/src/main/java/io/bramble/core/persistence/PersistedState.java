package io.bramble.core.persistence;

import io.bramble.core.state.State;

/**
 * One saved step. For a completed step, {@code position} is the action that ran and {@code state}
 * is the state after it; for a failed step, the action that failed and the state before it.
 */
public record PersistedState(
    String partitionKey,
    String appId,
    long sequenceId,
    String position,
    State state,
    Status status) {}
