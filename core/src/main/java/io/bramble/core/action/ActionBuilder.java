package io.bramble.core.action;

import io.bramble.core.state.State;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds a one-step action from a lambda:
 *
 * <pre>{@code
 * Action count = Action.builder("count").reads("n").writes("n")
 *     .update((state, inputs) -> state.increment("n"));
 * }</pre>
 */
public final class ActionBuilder {
  /** A lambda that returns the new state; the result is the values of the written keys. */
  @FunctionalInterface
  public interface StateFunction {
    State apply(State state, Map<String, Object> inputs) throws Exception;
  }

  /** A lambda that returns result and new state. */
  @FunctionalInterface
  public interface OutcomeFunction {
    ActionOutcome apply(State state, Map<String, Object> inputs, ActionContext context)
        throws Exception;
  }

  private final String name;
  private List<String> reads = List.of();
  private List<String> writes = List.of();
  private List<String> requiredInputs = List.of();
  private List<String> optionalInputs = List.of();
  private Set<String> tags = Set.of();
  private RetryPolicy retry = RetryPolicy.none();
  private Optional<String> pool = Optional.empty();

  ActionBuilder(String name) {
    if (name == null || name.isBlank()) {
      throw new ActionException("an action needs a non-blank name");
    }
    this.name = name;
  }

  public ActionBuilder reads(String... keys) {
    this.reads = List.of(keys);
    return this;
  }

  public ActionBuilder writes(String... keys) {
    this.writes = List.of(keys);
    return this;
  }

  public ActionBuilder inputs(String... names) {
    this.requiredInputs = List.of(names);
    return this;
  }

  public ActionBuilder optionalInputs(String... names) {
    this.optionalInputs = List.of(names);
    return this;
  }

  public ActionBuilder tags(String... tags) {
    this.tags = Set.copyOf(new LinkedHashSet<>(List.of(tags)));
    return this;
  }

  /** Tries a failing run again as {@code policy} says before the step fails. */
  public ActionBuilder retry(RetryPolicy policy) {
    this.retry = policy;
    return this;
  }

  /** Runs the action's steps on the workers of {@code pool} (see {@link Action#pool()}). */
  public ActionBuilder pool(String pool) {
    this.pool = Optional.of(pool);
    return this;
  }

  /** The action returns the new state; its result is the new values of its writes. */
  public Action update(StateFunction fn) {
    List<String> w = writes;
    return run(
        (state, inputs, ctx) -> {
          State next = fn.apply(state, inputs);
          Map<String, Object> result = new LinkedHashMap<>();
          for (String k : w) {
            result.put(k, next.get(k));
          }
          return ActionOutcome.of(result, next);
        });
  }

  /** The action returns result and new state itself, and may use its context. */
  public Action run(OutcomeFunction fn) {
    return new LambdaAction(
        name, reads, writes, requiredInputs, optionalInputs, tags, retry, pool, fn);
  }

  private record LambdaAction(
      String name,
      List<String> reads,
      List<String> writes,
      List<String> requiredInputs,
      List<String> optionalInputs,
      Set<String> tags,
      RetryPolicy retryPolicy,
      Optional<String> pool,
      OutcomeFunction fn)
      implements Action {
    @Override
    public ActionOutcome execute(State state, Map<String, Object> inputs, ActionContext context)
        throws Exception {
      return fn.apply(state, inputs, context);
    }

    @Override
    public String toString() {
      return "Action(" + name + ")";
    }
  }
}
