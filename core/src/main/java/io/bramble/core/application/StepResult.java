package io.bramble.core.application;

import io.bramble.core.state.State;
import java.util.Map;

/** One step that ran: the action, its sequence id, its result and the state after it. */
public record StepResult(String action, long sequenceId, Map<String, Object> result, State state) {}
