package io.bramble.core.parallel;

import io.bramble.core.action.ActionContext;
import io.bramble.core.action.ActionException;
import io.bramble.core.action.RetryPolicy;
import io.bramble.core.persistence.Persister;
import io.bramble.core.state.State;
import io.bramble.core.tracking.Tracker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** What {@link MapStates}, {@link MapActions} and {@link MapActionsAndStates} share. */
public abstract class MapBuilder<B extends MapBuilder<B>> {
  /** Folds the children's final states (in task order) into the parent state. */
  @FunctionalInterface
  public interface Reducer {
    State reduce(State state, List<State> childStates);
  }

  /** A reduce that also sees the children that failed, and decides. */
  @FunctionalInterface
  public interface FailureReducer {
    State reduce(State state, List<State> succeeded, List<ChildFailure> failures);
  }

  @FunctionalInterface
  interface TaskFunction {
    List<SubGraphTask> tasks(State state, ActionContext context, Map<String, Object> inputs);
  }

  final String name;
  List<String> reads = List.of();
  List<String> writes = List.of();
  List<String> requiredInputs = List.of();
  List<String> optionalInputs = List.of();
  Set<String> tags = Set.of();
  Reducer reducer;
  FailureReducer failureReducer;
  RetryPolicy retry = RetryPolicy.none();
  RetryPolicy childRetry = RetryPolicy.none();
  Cascade<Tracker> childTracker = Cascade.inherit();
  Cascade<Persister> childPersister = Cascade.inherit();
  Optional<String> pool = Optional.empty();
  int maxConcurrency;
  JoinPolicy joinPolicy = JoinPolicy.all();
  Optional<Duration> childTimeout = Optional.empty();

  MapBuilder(String name) {
    this.name = name;
  }

  @SuppressWarnings("unchecked")
  private B self() {
    return (B) this;
  }

  public B reads(String... keys) {
    reads = List.of(keys);
    return self();
  }

  public B writes(String... keys) {
    writes = List.of(keys);
    return self();
  }

  public B inputs(String... names) {
    requiredInputs = List.of(names);
    return self();
  }

  public B optionalInputs(String... names) {
    optionalInputs = List.of(names);
    return self();
  }

  public B tags(String... tags) {
    this.tags = Set.of(tags);
    return self();
  }

  public B reduce(Reducer reducer) {
    this.reducer = reducer;
    return self();
  }

  /**
   * Reduces over the children that succeeded and hands over those that failed, instead of failing
   * the step when one does; {@link #reduce} still handles the all-succeeded case.
   */
  public B reduceWithFailures(FailureReducer reducer) {
    this.failureReducer = reducer;
    return self();
  }

  /** Retries the whole parallel step (children resume from their persister when there is one). */
  public B retry(RetryPolicy policy) {
    this.retry = policy;
    return self();
  }

  /**
   * Runs at most {@code n} children at once, here and across a cluster (see {@link
   * ParallelAction#maxConcurrency()}).
   */
  public B maxConcurrency(int n) {
    if (n < 1) {
      throw new ActionException(
          "parallel action '" + name + "': maxConcurrency must be at least 1, got " + n);
    }
    this.maxConcurrency = n;
    return self();
  }

  /** Completes the join as {@code policy} says (default {@link JoinPolicy#all()}). */
  public B join(JoinPolicy policy) {
    this.joinPolicy = policy;
    return self();
  }

  /**
   * A child not done within {@code timeout} of the fan-out counts as failed and is cancelled (see
   * {@link ParallelAction#childTimeout()}).
   */
  public B childTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new ActionException(
          "parallel action '" + name + "': childTimeout must be positive, got " + timeout);
    }
    this.childTimeout = Optional.of(timeout);
    return self();
  }

  /** Retries each failing child, resuming at its failed action when it has a persister. */
  public B childRetry(RetryPolicy policy) {
    this.childRetry = policy;
    return self();
  }

  public B childTracker(Cascade<Tracker> cascade) {
    childTracker = cascade;
    return self();
  }

  public B childPersister(Cascade<Persister> cascade) {
    childPersister = cascade;
    return self();
  }

  /**
   * Runs the children in {@code pool} when distributed (a sub-graph naming a pool of its own runs
   * there; see {@link io.bramble.core.runtime.Pools}).
   */
  public B pool(String pool) {
    this.pool = Optional.of(pool);
    return self();
  }

  abstract TaskFunction taskFunction();

  /** The sub-graphs known when the action is built (dynamic ones must be declared by the user). */
  abstract List<RunnableGraph> knownSubGraphs();

  public ParallelAction build() {
    if (reducer == null) {
      throw new IllegalStateException("parallel action '" + name + "' needs a reduce");
    }
    return new Mapped(
        new Spec(
            name,
            reads,
            writes,
            requiredInputs,
            optionalInputs,
            tags,
            reducer,
            failureReducer,
            retry,
            childRetry,
            childTracker,
            childPersister,
            pool,
            maxConcurrency,
            joinPolicy,
            childTimeout),
        taskFunction(),
        List.copyOf(knownSubGraphs()));
  }

  /**
   * What the builder held at {@link #build()}: later calls on the builder do not change the built
   * action.
   */
  private record Spec(
      String name,
      List<String> reads,
      List<String> writes,
      List<String> requiredInputs,
      List<String> optionalInputs,
      Set<String> tags,
      Reducer reducer,
      FailureReducer failureReducer,
      RetryPolicy retry,
      RetryPolicy childRetry,
      Cascade<Tracker> childTracker,
      Cascade<Persister> childPersister,
      Optional<String> pool,
      int maxConcurrency,
      JoinPolicy joinPolicy,
      Optional<Duration> childTimeout) {}

  private static final class Mapped extends TaskBasedParallelAction {
    private final Spec spec;
    private final TaskFunction taskFunction;
    private final List<RunnableGraph> subGraphs;

    Mapped(Spec spec, TaskFunction taskFunction, List<RunnableGraph> subGraphs) {
      super(spec.name());
      this.spec = spec;
      this.taskFunction = taskFunction;
      this.subGraphs = subGraphs;
    }

    @Override
    public List<RunnableGraph> subGraphs() {
      return subGraphs;
    }

    @Override
    public List<String> reads() {
      return spec.reads();
    }

    @Override
    public List<String> writes() {
      return spec.writes();
    }

    @Override
    public List<String> requiredInputs() {
      return spec.requiredInputs();
    }

    @Override
    public List<String> optionalInputs() {
      return spec.optionalInputs();
    }

    @Override
    public Set<String> tags() {
      return spec.tags();
    }

    @Override
    public List<SubGraphTask> tasks(
        State state, ActionContext context, Map<String, Object> inputs) {
      return taskFunction.tasks(state, context, inputs);
    }

    @Override
    public State reduce(State state, List<State> childStates) {
      return spec.reducer().reduce(state, childStates);
    }

    @Override
    public boolean toleratesChildFailures() {
      return spec.failureReducer() != null;
    }

    @Override
    public State reduceWithFailures(
        State state, List<State> succeeded, List<ChildFailure> failures) {
      return spec.failureReducer() == null
          ? reduce(state, succeeded)
          : spec.failureReducer().reduce(state, succeeded, failures);
    }

    @Override
    public RetryPolicy retryPolicy() {
      return spec.retry();
    }

    @Override
    public Optional<String> pool() {
      return spec.pool();
    }

    @Override
    public int maxConcurrency() {
      return spec.maxConcurrency();
    }

    @Override
    public JoinPolicy joinPolicy() {
      return spec.joinPolicy();
    }

    @Override
    public Optional<Duration> childTimeout() {
      return spec.childTimeout();
    }

    @Override
    public RetryPolicy childRetryPolicy() {
      return spec.childRetry();
    }

    @Override
    public Cascade<Tracker> childTracker() {
      return spec.childTracker();
    }

    @Override
    public Cascade<Persister> childPersister() {
      return spec.childPersister();
    }
  }
}
