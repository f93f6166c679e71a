package io.bramble.core.action;

import io.bramble.core.state.State;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One step of an application: reads some state keys, writes others, and may take inputs. The
 * application checks what an action wrote against {@link #writes()} after every step.
 *
 * <p>Two ways to write one: {@link #builder(String)} for a lambda, or subclass {@link StepAction}
 * for the run + update style.
 */
public interface Action {
  String name();

  List<String> reads();

  List<String> writes();

  /** Inputs the caller must pass to run this action. */
  default List<String> requiredInputs() {
    return List.of();
  }

  /** Inputs the action accepts when given. */
  default List<String> optionalInputs() {
    return List.of();
  }

  /** Labels that halts may select with {@code @tag:NAME}. */
  default Set<String> tags() {
    return Set.of();
  }

  /**
   * The pool whose workers run this action's steps when the application runs distributed; empty:
   * the application's own pool. A parallel action's pool is where its children run. See {@code
   * io.bramble.core.runtime.Pools}.
   */
  default Optional<String> pool() {
    return Optional.empty();
  }

  /** How often a failing run of this action is tried before the step fails; by default once. */
  default RetryPolicy retryPolicy() {
    return RetryPolicy.none();
  }

  /** Runs the action on {@code state}; returns its result and the new state. */
  ActionOutcome execute(State state, Map<String, Object> inputs, ActionContext context)
      throws Exception;

  static ActionBuilder builder(String name) {
    return new ActionBuilder(name);
  }
}
