package io.bramble.core.application;

import io.bramble.core.state.State;
import java.util.Map;

/**
 * Where a run stopped. After a halt-after or the end: the last action that ran and its result.
 * After a halt-before: the action it stopped in front of, and a null result. {@code action} is null
 * when no step could run.
 */
public record RunResult(String action, Map<String, Object> result, State state) {}
