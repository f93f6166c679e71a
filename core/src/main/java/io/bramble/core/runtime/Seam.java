package io.bramble.core.runtime;

import io.bramble.core.action.Action;
import io.bramble.core.application.Halt;
import io.bramble.core.parallel.ChildFailure;
import io.bramble.core.parallel.SubGraphTask;
import io.bramble.core.state.State;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * What a runtime drives an application through ({@code Application.seam()}), apart from the user
 * API: run until the application ends, halts or reaches a parallel step; map that step to its child
 * tasks without running them; complete it from the children's final states; continue it at a
 * position elsewhere (build it with that position as its entrypoint and the state it had, then
 * {@link #continueAt} the sequence id its next step gets). The local executor, the worker and the
 * coordinator all drive applications this way, so local and distributed runs share one code path.
 * Internal state keys are handled by {@code io.bramble.core.state.StateInternals}.
 */
public interface Seam {
  /** Why {@link #runUntilParallel} stopped. */
  enum Stop {
    /** No action follows. */
    ENDED,
    /** The halt holds between the last step and the next action. */
    HALTED,
    /** The next action is a parallel one; it has not run. */
    AT_PARALLEL,
    /** Another action follows, to run wherever the runtime sends the application. */
    CONTINUES
  }

  /**
   * Runs steps until the application ends, {@code halt} holds, or the next action is a parallel one
   * (which is not run, even as the first step) or is one that does not run {@code here} ({@link
   * Stop#CONTINUES}: e.g. it belongs to another pool).
   */
  Stop runUntilParallel(Halt halt, Predicate<Action> here, Map<String, Object> inputs);

  /**
   * Makes the next step of a freshly built application get {@code nextSequenceId}: the application
   * continues where another process left it. Only before its first step.
   */
  void continueAt(long nextSequenceId);

  /** Whether the next action is a parallel one. */
  boolean nextIsParallel();

  /** The child tasks of the next action, which must be parallel; nothing runs. */
  List<SubGraphTask> parallelTasks(Map<String, Object> inputs);

  /**
   * Completes the next action, which must be parallel, by reducing the final states of its children
   * that completed (in task order) into the state, as one step: checked, persisted and tracked like
   * any other. Of its {@code children}, those neither in {@code succeeded} nor in {@code failures}
   * were cancelled (its join policy completed without them). When the policy is satisfied the
   * reduce runs; otherwise a failure-tolerant action sees {@code failures}, and any other fails the
   * step with the first. Returns how the application stands after it under {@code halt}.
   */
  Stop completeParallelStep(
      List<State> succeeded,
      List<ChildFailure> failures,
      int children,
      Halt halt,
      Map<String, Object> inputs);

  /**
   * Whether the application, as it stands, has nothing left to do under {@code halt}: at least one
   * step has run, and either no action follows or the halt holds between the last step and the
   * next. A task delivered again after it got this far re-reports instead of running.
   */
  boolean isDone(Halt halt);
}
