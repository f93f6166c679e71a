package io.bramble.core.action;

import io.bramble.core.state.State;
import java.util.Map;

/**
 * The class style of action, in two phases: {@link #run} computes a result from the state (the
 * slow, side-effecting part, e.g. a model call) and {@link #update} folds it into the state.
 */
public abstract class StepAction implements Action {
  private final String name;

  protected StepAction(String name) {
    this.name = name;
  }

  @Override
  public final String name() {
    return name;
  }

  protected abstract Map<String, Object> run(State state, Map<String, Object> inputs)
      throws Exception;

  protected abstract State update(Map<String, Object> result, State state);

  @Override
  public final ActionOutcome execute(State state, Map<String, Object> inputs, ActionContext context)
      throws Exception {
    Map<String, Object> result = run(state, inputs);
    return ActionOutcome.of(result, update(result, state));
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + name + ")";
  }
}
