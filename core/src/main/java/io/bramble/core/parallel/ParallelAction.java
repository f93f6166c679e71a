package io.bramble.core.parallel;

import io.bramble.core.action.Action;
import io.bramble.core.action.ActionContext;
import io.bramble.core.action.ActionOutcome;
import io.bramble.core.action.RetryPolicy;
import io.bramble.core.persistence.Persister;
import io.bramble.core.state.State;
import io.bramble.core.tracking.Tracker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * An action that maps its state to sub-applications and reduces their final states back. The
 * application never calls {@link #execute}: it asks for {@link #tasks}, runs them (on threads, or
 * on workers over Kafka) and hands the final states, in task order, to {@link #reduce}.
 */
public interface ParallelAction extends Action {
  /** The child applications to run; deterministic for a given state and context. */
  List<SubGraphTask> tasks(State state, ActionContext context, Map<String, Object> inputs);

  /** Folds the children's final states, in task order, into the parent state. */
  State reduce(State state, List<State> childStates);

  /**
   * Whether a failed child (after its retries) goes to {@link #reduceWithFailures} instead of
   * failing the step.
   */
  default boolean toleratesChildFailures() {
    return false;
  }

  /**
   * The reduce of a failure-tolerant action: the children that succeeded, in task order, and those
   * that failed. It decides: return a state, or throw to fail the step.
   */
  default State reduceWithFailures(
      State state, List<State> succeeded, List<ChildFailure> failures) {
    return reduce(state, succeeded);
  }

  /**
   * How often a failing child application is tried (resuming at its failed action) before it counts
   * as failed.
   */
  default RetryPolicy childRetryPolicy() {
    return RetryPolicy.none();
  }

  /**
   * At most this many of the step's children run at once; 0: no limit. Distributed, it holds across
   * the cluster: the coordinator releases the first children's tasks and the next one as each
   * child's result arrives (a child waiting for a person keeps its place).
   */
  default int maxConcurrency() {
    return 0;
  }

  /** When the step's join completes: every child, the first N, or a quorum ({@link JoinPolicy}). */
  default JoinPolicy joinPolicy() {
    return JoinPolicy.all();
  }

  /**
   * How long a child may take, from the fan-out: one not done by then counts as failed (it reaches
   * {@link #reduceWithFailures}) and is cancelled at its next step boundary. Empty: no limit.
   */
  default Optional<Duration> childTimeout() {
    return Optional.empty();
  }

  /**
   * Every sub-graph this action may launch. A distributed run names a child's graph instead of
   * shipping it, so the graph registry must find each one here; local runs do not need it.
   */
  default List<RunnableGraph> subGraphs() {
    return List.of();
  }

  /** Whether children get a copy of the parent's tracker, none, or another one. */
  default Cascade<Tracker> childTracker() {
    return Cascade.inherit();
  }

  /** Whether children get a copy of the parent's persister, none, or another one. */
  default Cascade<Persister> childPersister() {
    return Cascade.inherit();
  }

  @Override
  default ActionOutcome execute(State state, Map<String, Object> inputs, ActionContext context) {
    throw new UnsupportedOperationException(
        "parallel action '"
            + name()
            + "' is run by its application, "
            + "which maps it to tasks and reduces their results");
  }
}
