package io.bramble.core.action;

import io.bramble.core.state.State;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The streaming style of action (Burr's streaming actions): {@link #run} emits partial results to
 * {@code out} as it works (an LLM's tokens, progress), then returns its result; {@link #update}
 * folds the result into the state. Whoever runs the application hears the partial results while the
 * step runs (see {@code Application.stream}); distributed, they reach the job's client.
 * Lambda-style actions stream through {@link ActionContext#emit}.
 */
public abstract class StreamingAction implements Action {
  private final String name;

  protected StreamingAction(String name) {
    this.name = name;
  }

  @Override
  public final String name() {
    return name;
  }

  protected abstract Map<String, Object> run(
      State state, Map<String, Object> inputs, Consumer<String> out) throws Exception;

  protected abstract State update(Map<String, Object> result, State state);

  @Override
  public final ActionOutcome execute(State state, Map<String, Object> inputs, ActionContext context)
      throws Exception {
    Map<String, Object> result = run(state, inputs, context::emit);
    return ActionOutcome.of(result, update(result, state));
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + name + ")";
  }
}
