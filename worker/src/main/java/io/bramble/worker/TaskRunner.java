package io.bramble.worker;

import io.bramble.core.action.RetryPolicy;
import io.bramble.core.application.Application;
import io.bramble.core.application.ApplicationBuilder;
import io.bramble.core.application.Halt;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.parallel.SubGraphTask;
import io.bramble.core.persistence.PersistedState;
import io.bramble.core.persistence.Persister;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.runtime.Seam;
import io.bramble.core.state.State;
import io.bramble.core.tracking.LifecycleHook;
import io.bramble.core.tracking.Tracker;
import io.bramble.runtime.Errors;
import io.bramble.runtime.Records;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs one task's action loop: from its checkpoint when one is ahead of the task, else from the
 * task's position; until the application ends, halts, or reaches a parallel action, whose child
 * tasks it computes (the map) for the coordinator. Never throws: failures become failed results.
 */
public final class TaskRunner {
  private final GraphRegistry registry;
  private final Runnable onRetry;

  public TaskRunner(GraphRegistry registry) {
    this(registry, () -> {});
  }

  /** {@code onRetry} hears of every retry of a failed child. */
  public TaskRunner(GraphRegistry registry, Runnable onRetry) {
    this.registry = registry;
    this.onRetry = onRetry;
  }

  /**
   * Runs {@code task}, saving each step through {@code checkpoints}, which also holds the app's
   * latest one. A failing child is tried again (from its failed action) as its parallel action's
   * child retry policy says, before its failure is reported.
   */
  public TaskOutcome run(Task task, Persister checkpoints) {
    return run(task, checkpoints, null, new LifecycleHook[0]);
  }

  /**
   * As {@link #run(Task, Persister)}, reporting every step to {@code tracker} (may be null) and
   * {@code hooks}.
   */
  public TaskOutcome run(
      Task task, Persister checkpoints, Tracker tracker, LifecycleHook... hooks) {
    RetryPolicy retry = childRetryPolicy(task);
    for (int attempt = 1; ; attempt++) {
      try {
        return runChecked(task, checkpoints, tracker, hooks);
      } catch (TaskRevokedException revoked) {
        throw revoked;
      } catch (RuntimeException e) {
        if (!retry.retries(e, attempt)) {
          return finished(task, ResultStatus.FAILED, null, e, task.getSequenceId(), null);
        }
        onRetry.run();
        retry.pauseAfter(attempt);
      }
    }
  }

  private RetryPolicy childRetryPolicy(Task task) {
    if (task.getParent() == null || task.getSubGraph() == null) {
      return RetryPolicy.none();
    }
    try {
      return registry
          .get(task.getGraph(), task.getGraphVersion())
          .parallelActionOf(task.getSubGraph())
          .childRetryPolicy();
    } catch (RuntimeException unknown) {
      return RetryPolicy.none(); // the run itself reports the unknown graph
    }
  }

  private TaskOutcome runChecked(
      Task task, Persister checkpoints, Tracker tracker, LifecycleHook... hooks) {
    GraphRegistry.Entry entry = registry.get(task.getGraph(), task.getGraphVersion());
    RunnableGraph runnable = entry.resolve(task.getSubGraph());
    Graph graph = runnable.graph();
    Halt pauses = Halt.of(task.getPauseBefore(), task.getPauseAfter()).within(graph);
    Halt halt = Halt.of(task.getHaltBefore(), task.getHaltAfter()).and(pauses);
    Map<String, Object> inputs = StateCodec.toMap(task.getInputs());

    ApplicationBuilder builder =
        Application.builder()
            .withGraph(graph)
            .withIdentifiers(task.getAppId(), task.getPartitionKey())
            .withPersister(checkpoints)
            .withTracker(tracker)
            .withHooks(hooks);
    if (task.getParent() != null) {
      builder.withSpawningParent(
          task.getParent().getParentAppId(),
          task.getPartitionKey(),
          task.getParent().getParentSequenceId());
    }
    PersistedState checkpoint =
        checkpoints.load(task.getPartitionKey(), task.getAppId()).orElse(null);
    boolean resumed = checkpoint != null && checkpoint.sequenceId() >= task.getSequenceId();
    if (resumed) {
      builder.initializeFrom(checkpoints, true, null, null);
    } else {
      String position = task.getPosition() != null ? task.getPosition() : runnable.entrypoint();
      builder.withEntrypoint(position).withState(StateCodec.toState(task.getState()));
    }
    Application app = builder.build();
    if (!resumed) {
      app.seam().continueAt(task.getSequenceId());
    }

    Seam seam = app.seam();
    if (resumed && seam.isDone(halt)) {
      // Already got this far before a crash: report it again, run nothing.
      return stopped(task, app, pauses);
    }
    if (seam.runUntilParallel(halt, inputs) == Seam.Stop.AT_PARALLEL) {
      return fanOut(task, entry, app, inputs);
    }
    return stopped(task, app, pauses);
  }

  /**
   * The result of an app that stopped: halted when one of its job's halts holds in front of its
   * next action (it waits for a resume), else completed (it ended, or reached a halt of its graph).
   */
  private static TaskOutcome stopped(Task task, Application app, Halt pauses) {
    long last = app.nextSequenceId() - 1;
    if (app.hasNext() && app.seam().isDone(pauses)) {
      Task resume = Records.continuing(task, app.nextAction(), app.nextSequenceId(), app.state());
      TaskResult halted =
          Records.halted(
              task, app.state(), last, app.priorAction(), resume, System.currentTimeMillis());
      return new TaskOutcome.Finished(Records.resultKey(halted), halted);
    }
    return finished(task, ResultStatus.COMPLETED, app.state(), null, last, app.priorAction());
  }

  private TaskOutcome fanOut(
      Task task, GraphRegistry.Entry entry, Application app, Map<String, Object> inputs) {
    String action = app.nextAction();
    long seq = app.nextSequenceId();
    String joinId = Records.stepId(task.getAppId(), seq);
    List<SubGraphTask> children = app.seam().parallelTasks(inputs);
    List<Task> childTasks = new ArrayList<>(children.size());
    for (int i = 0; i < children.size(); i++) {
      SubGraphTask child = children.get(i);
      childTasks.add(
          Records.childTask(
              task, seq, child, i, children.size(), entry.pathOf(child.graph(), action)));
    }
    FanOut fanOut =
        FanOut.newBuilder()
            .setParentAppId(task.getAppId())
            .setParentSequenceId(seq)
            .setJoinId(joinId)
            .setGraph(task.getGraph())
            .setGraphVersion(task.getGraphVersion())
            .setPartitionKey(task.getPartitionKey())
            .setRootAppId(task.getRootAppId())
            .setParallelAction(action)
            .setParentState(StateCodec.toAvro(app.state()))
            .setInputs(task.getInputs())
            .setParent(task.getParent())
            .setSubGraph(task.getSubGraph())
            .setHaltBefore(task.getHaltBefore())
            .setHaltAfter(task.getHaltAfter())
            .setPauseBefore(task.getPauseBefore())
            .setPauseAfter(task.getPauseAfter())
            .setRequestedAtMs(task.getRequestedAtMs())
            .setCreatedAtMs(System.currentTimeMillis())
            .setChildren(childTasks)
            .build();
    return new TaskOutcome.FannedOut(task.getAppId(), fanOut);
  }

  /** A result for the task's parent (keyed by the parent's app id) or, for a root, for its job. */
  static TaskOutcome finished(
      Task task,
      ResultStatus status,
      State state,
      Throwable error,
      long sequenceId,
      String lastAction) {
    TaskResult result =
        Records.result(
            task.getAppId(),
            task.getTaskId(),
            task.getParent(),
            status,
            state,
            error == null ? null : Errors.of(error),
            sequenceId,
            lastAction,
            task.getRequestedAtMs(),
            System.currentTimeMillis());
    return new TaskOutcome.Finished(Records.resultKey(result), result);
  }
}
