package io.bramble.coordinator;

import io.bramble.core.application.Application;
import io.bramble.core.application.Halt;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.ChildFailure;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.runtime.Seam;
import io.bramble.core.state.State;
import io.bramble.runtime.Errors;
import io.bramble.runtime.EventTracker;
import io.bramble.runtime.Records;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.ErrorInfo;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.avro.TrackingEvent;
import java.util.ArrayList;
import java.util.List;

/**
 * Completes a join once every child has reported: runs the parallel action's reduce over the
 * children's final states (in task order) through core's seam, then either continues the parent (a
 * task for the worker) or, when the parent has ended or halted, reports the parent's result.
 */
final class JoinReducer {
  /**
   * What completing a join produced: a continuation or the parent's result, and the reduce step's
   * events.
   */
  record Completion(Task continuation, TaskResult parentResult, List<TrackingEvent> events) {}

  private final GraphRegistry registry;

  JoinReducer(GraphRegistry registry) {
    this.registry = registry;
  }

  /**
   * Completes {@code join} of {@code children} from the {@code results} of those that reported (in
   * task order; the others were cancelled or never ran).
   */
  Completion complete(FanOut join, List<TaskResult> results, int children, long nowMs) {
    List<TrackingEvent> events = new ArrayList<>();
    try {
      GraphRegistry.Entry entry = registry.get(join.getGraph(), join.getGraphVersion());
      RunnableGraph runnable = entry.resolve(join.getSubGraph());
      Graph graph = runnable.graph();
      Application app =
          Application.builder()
              .withGraph(graph)
              .withIdentifiers(join.getParentAppId(), join.getPartitionKey())
              .withEntrypoint(join.getParallelAction())
              .withState(StateCodec.toState(join.getParentState()))
              .withTracker(
                  new EventTracker(
                      Events.PROCESS, join.getGraph(), join.getRootAppId(), events::add))
              .build();
      app.seam().continueAt(join.getParentSequenceId());
      List<State> succeeded = new ArrayList<>(results.size());
      List<ChildFailure> failures = new ArrayList<>();
      for (TaskResult r : results) {
        if (r.getStatus() == ResultStatus.COMPLETED) {
          succeeded.add(StateCodec.toState(r.getState()));
        } else {
          failures.add(
              new ChildFailure(
                  r.getParent().getChildIndex(),
                  r.getAppId(),
                  r.getError() == null ? "unknown" : r.getError().getType(),
                  r.getError() == null ? "no error given" : r.getError().getMessage()));
        }
      }
      Halt pauses = Halt.of(join.getPauseBefore(), join.getPauseAfter()).within(graph);
      Seam.Stop stop =
          app.seam()
              .completeParallelStep(
                  succeeded,
                  failures,
                  children,
                  Halt.of(join.getHaltBefore(), join.getHaltAfter()).and(pauses),
                  StateCodec.toMap(join.getInputs()));
      long requestedAt = requestedAt(join, results);
      boolean paused = stop == Seam.Stop.HALTED && app.hasNext() && app.seam().isDone(pauses);
      if (stop == Seam.Stop.ENDED || (stop == Seam.Stop.HALTED && !paused)) {
        return new Completion(
            null,
            result(join, ResultStatus.COMPLETED, app.state(), null, requestedAt, nowMs),
            events);
      }
      Task continuation =
          Records.continuation(
              join,
              app.nextAction(),
              app.nextSequenceId(),
              app.state(),
              requestedAt,
              entry.stepPool(join.getSubGraph(), app.nextAction()));
      if (paused) {
        // The parent waits for a resume in front of its next action.
        TaskResult halted =
            Records.halted(
                continuation,
                app.state(),
                join.getParentSequenceId(),
                join.getParallelAction(),
                continuation,
                nowMs);
        return new Completion(null, halted, events);
      }
      return new Completion(continuation, null, events);
    } catch (RuntimeException e) {
      return new Completion(
          null,
          result(join, ResultStatus.FAILED, null, Errors.of(e), join.getRequestedAtMs(), nowMs),
          events);
    }
  }

  /** The latest request the join and its children's results follow from. */
  static long requestedAt(FanOut join, List<TaskResult> results) {
    long latest = join.getRequestedAtMs();
    for (TaskResult r : results) {
      latest = Math.max(latest, r.getRequestedAtMs());
    }
    return latest;
  }

  /** The parent's result: its parallel step was its last (it ended, halted or failed there). */
  private static TaskResult result(
      FanOut join,
      ResultStatus status,
      State state,
      ErrorInfo error,
      long requestedAtMs,
      long nowMs) {
    return Records.result(
        join.getParentAppId(),
        Records.stepId(join.getParentAppId(), join.getParentSequenceId()),
        join.getParent(),
        status,
        state,
        error,
        join.getParentSequenceId(),
        join.getParallelAction(),
        requestedAtMs,
        nowMs);
  }
}
