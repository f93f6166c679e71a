package io.bramble.worker;

import io.bramble.core.action.RetryPolicy;
import io.bramble.core.application.Application;
import io.bramble.core.application.ApplicationBuilder;
import io.bramble.core.application.Halt;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.ChildFailure;
import io.bramble.core.parallel.ParallelAction;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.parallel.SubGraphTask;
import io.bramble.core.persistence.PersistedState;
import io.bramble.core.persistence.Persister;
import io.bramble.core.persistence.Status;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.runtime.Pools;
import io.bramble.core.runtime.Seam;
import io.bramble.core.runtime.ValueOffloader;
import io.bramble.core.state.State;
import io.bramble.core.stream.Chunk;
import io.bramble.core.stream.ChunkListener;
import io.bramble.core.tracking.LifecycleHook;
import io.bramble.core.tracking.Tracker;
import io.bramble.runtime.DeclaredInputs;
import io.bramble.runtime.Errors;
import io.bramble.runtime.Pauses;
import io.bramble.runtime.Records;
import io.bramble.runtime.values.ValueOffload;
import io.bramble.runtime.values.ValueStore;
import io.bramble.runtime.values.ValueStoreConfig;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.ValueFetcher;
import io.bramble.schemas.avro.ChildOutcome;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JoinedChildren;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.StoredRef;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * Runs one task's action loop: from its checkpoint when one is ahead of the task, else from the
 * task's position (first completing its parallel step there, when the task carries the step's
 * joined children: the reduce runs here, never on the coordinator); until the application ends,
 * halts, reaches a parallel action, whose child tasks it computes (the map) for the coordinator, or
 * reaches an action of another pool than the task's, where it moves (a task for that pool, which
 * the coordinator publishes). Never throws: failures become failed results.
 */
public final class TaskRunner {
  private final GraphRegistry registry;
  private final Runnable onRetry;
  private final ValueStore values;
  private final ValueStoreConfig valuesConfig;
  private final JoinedPages pages;
  private final AppMigration migration;

  /** A runner that keeps every state value in its records (no value store), as tests use it. */
  public TaskRunner(GraphRegistry registry) {
    this(registry, () -> {}, null, ValueStoreConfig.defaults(), JoinedPages.NONE);
  }

  /**
   * {@code onRetry} hears of every retry of a failed child; state values too large for a record go
   * to {@code values} (null: none do) as {@code valuesConfig} says; the outcomes of joins too wide
   * for their task are read from {@code pages}. No app moves to another graph version.
   */
  public TaskRunner(
      GraphRegistry registry,
      Runnable onRetry,
      ValueStore values,
      ValueStoreConfig valuesConfig,
      JoinedPages pages) {
    this(registry, onRetry, values, valuesConfig, pages, AppMigration.none(registry));
  }

  /**
   * {@code onRetry} hears of every retry of a failed child; state values too large for a record go
   * to {@code values} (null: none do) as {@code valuesConfig} says; the outcomes of joins too wide
   * for their task are read from {@code pages}; apps move between graph versions as {@code
   * migration} says.
   */
  TaskRunner(
      GraphRegistry registry,
      Runnable onRetry,
      ValueStore values,
      ValueStoreConfig valuesConfig,
      JoinedPages pages,
      AppMigration migration) {
    this.registry = registry;
    this.migration = migration;
    this.pages = pages;
    this.onRetry = onRetry;
    this.values = values;
    this.valuesConfig = valuesConfig;
  }

  /** Where the values of {@code task}'s job go, or none. */
  private ValueOffloader offloadFor(Task task) {
    return values == null
        ? ValueOffloader.NONE
        : new ValueOffload(values, valuesConfig, task.getRootAppId());
  }

  private ValueFetcher fetcher() {
    return values == null ? ValueFetcher.NONE : values;
  }

  /** {@code outcome}, listing the values its task kept in the value store. */
  private static TaskOutcome withStored(TaskOutcome outcome, ValueOffloader offload) {
    List<StoredRef> stored = offload instanceof ValueOffload o ? o.stored() : List.of();
    if (stored.isEmpty()) {
      return outcome;
    }
    if (outcome instanceof TaskOutcome.Finished f) {
      f.result().setStored(stored);
    } else if (outcome instanceof TaskOutcome.FannedOut f) {
      f.fanOut().setStored(stored);
    }
    return outcome;
  }

  /**
   * Runs {@code task}, saving each step through {@code checkpoints}, which also holds the app's
   * latest one. A failing child is tried again (from its failed action) as its parallel action's
   * child retry policy says, before its failure is reported.
   */
  public TaskOutcome run(Task task, Persister checkpoints) {
    return run(task, checkpoints, null, ChunkListener.NONE);
  }

  /**
   * As {@link #run(Task, Persister)}, reporting every step to {@code tracker} (may be null) and
   * {@code hooks}, and the partial results its actions emit to {@code chunks}.
   */
  public TaskOutcome run(
      Task task,
      Persister checkpoints,
      Tracker tracker,
      ChunkListener chunks,
      LifecycleHook... hooks) {
    return run(task, checkpoints, tracker, chunks, () -> false, hooks);
  }

  /**
   * As {@link #run(Task, Persister, Tracker, ChunkListener, LifecycleHook...)}; its steps see
   * whether the app was cancelled through {@code cancelled} ({@code ActionContext.isCancelled}).
   */
  public TaskOutcome run(
      Task task,
      Persister checkpoints,
      Tracker tracker,
      ChunkListener chunks,
      BooleanSupplier cancelled,
      LifecycleHook... hooks) {
    if (!registry.has(task.getGraph(), task.getGraphVersion())) {
      return runTries(task, checkpoints, tracker, chunks, cancelled, hooks); // fails, naming it
    }
    return GraphCode.call(
        registry.get(task.getGraph(), task.getGraphVersion()),
        () -> runTries(task, checkpoints, tracker, chunks, cancelled, hooks));
  }

  private TaskOutcome runTries(
      Task task,
      Persister checkpoints,
      Tracker tracker,
      ChunkListener chunks,
      BooleanSupplier cancelled,
      LifecycleHook... hooks) {
    RetryPolicy retry = childRetryPolicy(task);
    ValueOffloader offload = offloadFor(task);
    for (int attempt = 1; ; attempt++) {
      try {
        return withStored(
            runChecked(task, checkpoints, offload, tracker, chunks, cancelled, hooks), offload);
      } catch (TaskRevokedException | TaskCancelledException stopped) {
        throw stopped;
      } catch (RuntimeException e) {
        if (!retry.retries(e, attempt)) {
          return withStored(
              finished(task, ResultStatus.FAILED, null, e, task.getSequenceId(), null), offload);
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
      Task given,
      Persister checkpoints,
      ValueOffloader offload,
      Tracker tracker,
      ChunkListener chunks,
      BooleanSupplier cancelled,
      LifecycleHook... hooks) {
    String moveTo = migration.targetFor(given);
    if (moveTo != null && given.getJoined() == null && given.getPosition() != null) {
      PersistedState checkpoint =
          checkpoints.load(given.getPartitionKey(), given.getAppId()).orElse(null);
      if (!isAhead(checkpoint, given)) {
        // At a step boundary already, with its position and state: no code of its version needed.
        // The moved app runs as a task of its own, so a crash after this resumes it on its new
        // version (its checkpoints are that version's).
        Task migrated = migration.migrate(given, moveTo, fetcher());
        if (migrated.getMigrationRefused() == null) {
          return new TaskOutcome.Forwarded(migrated);
        }
        given = migrated; // stays on its version, not tried again
      }
    }
    if (given.getGraphVersion() != null
        && !registry.has(given.getGraph(), given.getGraphVersion())
        && registry.has(given.getGraph(), null)) {
      // It came to this worker, which lacks its version, to move to one it has: it could not.
      return new TaskOutcome.Forwarded(given);
    }
    GraphRegistry.Entry entry = registry.get(given.getGraph(), given.getGraphVersion());
    Task task = JobStart.is(given) ? JobStart.prepare(given, entry) : checkPauses(given, entry);
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
            .withChunkListener(chunks)
            .withValueOffloader(offload)
            .withCancellation(cancelled)
            .withHooks(hooks);
    if (task.getParent() != null) {
      builder.withSpawningParent(
          task.getParent().getParentAppId(),
          task.getPartitionKey(),
          task.getParent().getParentSequenceId());
    }
    PersistedState checkpoint =
        checkpoints.load(task.getPartitionKey(), task.getAppId()).orElse(null);
    boolean resumed = isAhead(checkpoint, task);
    if (resumed) {
      builder.initializeFrom(checkpoints, true, null, null);
    } else {
      String position = task.getPosition() != null ? task.getPosition() : runnable.entrypoint();
      builder.withEntrypoint(position).withState(StateCodec.toState(task.getState(), fetcher()));
    }
    Application app = builder.build();
    if (!resumed) {
      app.seam().continueAt(task.getSequenceId());
    }

    String appPool = entry.appPool(task.getSubGraph());
    Seam seam = app.seam();
    if (resumed && seam.isDone(halt)) {
      // Already got this far before a crash: report it again, run nothing.
      return stopped(task, entry, app, pauses, appPool);
    }
    long firstStep = app.nextSequenceId();
    if (!resumed && task.getJoined() != null) {
      Seam.Stop reduced = reduce(app, task.getJoined(), pages, halt, inputs, fetcher());
      if (reduced == Seam.Stop.ENDED || reduced == Seam.Stop.HALTED) {
        return stopped(task, entry, app, pauses, appPool);
      }
    }
    AppMigration.Boundary migrating = migration.boundaryOf(task);
    Task current = task;
    Seam.Stop stop;
    while (true) {
      stop =
          seam.runUntilParallel(
              halt,
              action -> Pools.ofStep(action, appPool).equals(task.getPool()) && !migrating.stops(),
              inputs);
      if ((stop != Seam.Stop.CONTINUES && stop != Seam.Stop.AT_PARALLEL) || !migrating.stops()) {
        break;
      }
      Task at =
          Records.continuing(
              current, app.nextAction(), app.nextSequenceId(), app.state(), current.getPool());
      Task migrated = migration.migrate(at, migrating.target(), fetcher());
      if (migrated.getMigrationRefused() == null) {
        return new TaskOutcome.Forwarded(migrated);
      }
      migrating.refused(); // it goes on here, on its version, not tried again
      current =
          Task.newBuilder(current).setMigrationRefused(migrated.getMigrationRefused()).build();
    }
    boolean progressed =
        resumed
            || app.nextSequenceId() > firstStep
            || (JobStart.is(task) && Pools.DEFAULT.equals(task.getPool()));
    return switch (stop) {
      case AT_PARALLEL -> fanOut(current, entry, app, inputs, offload);
      case CONTINUES -> moved(current, app, appPool, progressed);
      default -> stopped(current, entry, app, pauses, appPool);
    };
  }

  /**
   * {@code task}, whose halts (a resume may name new ones) must name actions of its graph's tree:
   * the coordinator, which reads no graph, could not check them.
   */
  private static Task checkPauses(Task task, GraphRegistry.Entry entry) {
    if (!task.getPauseBefore().isEmpty() || !task.getPauseAfter().isEmpty()) {
      try {
        Pauses.validate(task.getPauseBefore(), task.getPauseAfter(), entry);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("app " + task.getAppId() + ": " + e.getMessage(), e);
      }
    }
    return task;
  }

  /**
   * Whether {@code checkpoint} is ahead of {@code task}, so the app resumes from it: it holds the
   * task's step or a later one. For a task that completes a parallel step, the step must have
   * completed: a reduce that failed runs again from the task's children.
   */
  private static boolean isAhead(PersistedState checkpoint, Task task) {
    if (checkpoint == null || checkpoint.sequenceId() < task.getSequenceId()) {
      return false;
    }
    return task.getJoined() == null
        || checkpoint.sequenceId() > task.getSequenceId()
        || checkpoint.status() == Status.COMPLETED;
  }

  /**
   * Completes the app's parallel step from the outcomes its join gathered: the reduce runs here, as
   * a step (retried as its action says, checkpointed, tracked).
   */
  private static Seam.Stop reduce(
      Application app,
      JoinedChildren joined,
      JoinedPages pages,
      Halt halt,
      Map<String, Object> inputs,
      ValueFetcher fetcher) {
    List<State> succeeded = new ArrayList<>();
    List<ChildFailure> failures = new ArrayList<>();
    List<ChildOutcome> outcomes =
        joined.getPages() == null ? joined.getOutcomes() : pages.read(joined.getPages());
    for (ChildOutcome child : outcomes) {
      if (child.getCompleted()) {
        succeeded.add(StateCodec.toState(child.getState(), fetcher));
      } else {
        failures.add(
            new ChildFailure(
                child.getIndex(),
                child.getAppId(),
                child.getError().getType(),
                child.getError().getMessage()));
      }
    }
    return app.seam().completeParallelStep(succeeded, failures, joined.getChildren(), halt, inputs);
  }

  /**
   * The app's next step runs in another pool: a task for it there. A task that ran nothing and was
   * not resumed from a checkpoint came here by another worker's reading of the graph; sending it on
   * would bounce it between processes that disagree, so it fails instead. (A job's first task is
   * the exception: the coordinator, which reads no graph, sends it to the default pool.)
   */
  private static TaskOutcome moved(Task task, Application app, String appPool, boolean progressed) {
    String next = app.nextAction();
    String pool = Pools.ofStep(app.graph().action(next), appPool);
    if (!progressed) {
      throw new IllegalStateException(
          "app "
              + task.getAppId()
              + " of graph '"
              + task.getGraph()
              + "' was sent to pool "
              + task.getPool()
              + ", but its next action '"
              + next
              + "' runs in pool "
              + pool
              + " by this worker's graph; do all workers load the same graph code?");
    }
    Task there = Records.continuing(task, next, app.nextSequenceId(), app.state(), pool);
    TaskResult moved =
        Records.moved(
            task,
            app.state(),
            app.nextSequenceId() - 1,
            app.priorAction(),
            there,
            System.currentTimeMillis());
    return new TaskOutcome.Finished(Records.resultKey(moved), moved);
  }

  /**
   * The result of an app that stopped: halted when one of its job's halts holds in front of its
   * next action (it waits for a resume), else completed (it ended, or reached a halt of its graph).
   */
  private static TaskOutcome stopped(
      Task task, GraphRegistry.Entry entry, Application app, Halt pauses, String appPool) {
    long last = app.nextSequenceId() - 1;
    if (app.hasNext() && app.seam().isDone(pauses)) {
      String pool = Pools.ofStep(app.graph().action(app.nextAction()), appPool);
      Task resume =
          Task.newBuilder(
                  Records.continuing(
                      task, app.nextAction(), app.nextSequenceId(), app.state(), pool))
              .setHaltNames(Pauses.names(entry))
              .setNextInputs(DeclaredInputs.of(app.graph(), app.nextAction()).toAvro())
              .build();
      TaskResult halted =
          Records.halted(
              task, app.state(), last, app.priorAction(), resume, System.currentTimeMillis());
      return new TaskOutcome.Finished(Records.resultKey(halted), halted);
    }
    return finished(task, ResultStatus.COMPLETED, app.state(), null, last, app.priorAction());
  }

  private TaskOutcome fanOut(
      Task task,
      GraphRegistry.Entry entry,
      Application app,
      Map<String, Object> inputs,
      ValueOffloader offload) {
    String action = app.nextAction();
    ParallelAction parallel = (ParallelAction) app.graph().action(action);
    long seq = app.nextSequenceId();
    String joinId = Records.stepId(task.getAppId(), seq);
    List<SubGraphTask> children = app.seam().parallelTasks(inputs);
    List<Task> childTasks = new ArrayList<>(children.size());
    for (int i = 0; i < children.size(); i++) {
      SubGraphTask child = children.get(i);
      String path = entry.pathOf(child.graph(), action);
      childTasks.add(
          Records.childTask(
              task,
              seq,
              childLabel(entry, action, child, i),
              child,
              offload.offload(child.state()), // children share the stored copy of a value
              i,
              children.size(),
              path,
              entry.stepPool(path, child.graph().entrypoint())));
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
            .setMaxConcurrency(parallel.maxConcurrency())
            .setJoinNeeded(
                parallel.joinPolicy().waitsForAll()
                    ? 0
                    : parallel.joinPolicy().needed(children.size()))
            .setChildTimeoutMs(parallel.childTimeout().map(Duration::toMillis).orElse(0L))
            .setChildren(childTasks)
            .setLabel(task.getLabel())
            .setReducePool(entry.stepPool(task.getSubGraph(), action))
            .build();
    return new TaskOutcome.FannedOut(task.getAppId(), fanOut);
  }

  /** The graph provider's name for a child (its poem type, say), else its place in the fan-out. */
  private static String childLabel(
      GraphRegistry.Entry entry, String action, SubGraphTask child, int index) {
    String named = entry.provider().childLabel(child.state());
    return named == null || named.isBlank() ? Chunk.childLabel(action, index) : named;
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
        Records.of(
            task,
            status,
            state,
            error == null ? null : Errors.of(error),
            sequenceId,
            lastAction,
            System.currentTimeMillis());
    if (!Records.endsJob(result)) {
      return new TaskOutcome.Finished(Records.resultKey(result), result);
    }
    result.setJobResultWritten(true);
    return new TaskOutcome.Finished(
        Records.resultKey(result),
        result,
        Records.jobResult(result, task, result.getFinishedAtMs()));
  }
}
