package io.bramble.core.application;

import io.bramble.core.action.Action;
import io.bramble.core.action.ActionContext;
import io.bramble.core.action.ActionException;
import io.bramble.core.action.ActionOutcome;
import io.bramble.core.action.RetryPolicy;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.ChildApplicationException;
import io.bramble.core.parallel.ChildFailure;
import io.bramble.core.parallel.ChildTimedOutException;
import io.bramble.core.parallel.ParallelAction;
import io.bramble.core.parallel.ParallelExecutor;
import io.bramble.core.parallel.SubGraphTask;
import io.bramble.core.persistence.Persister;
import io.bramble.core.persistence.Status;
import io.bramble.core.runtime.Seam;
import io.bramble.core.runtime.ValueOffloader;
import io.bramble.core.state.State;
import io.bramble.core.state.StateInternals;
import io.bramble.core.state.StateValues;
import io.bramble.core.stream.Chunk;
import io.bramble.core.stream.ChunkListener;
import io.bramble.core.tracking.ApplicationEnd;
import io.bramble.core.tracking.LifecycleHook;
import io.bramble.core.tracking.ModelCall;
import io.bramble.core.tracking.ModelCalls;
import io.bramble.core.tracking.ParentPointer;
import io.bramble.core.tracking.SpawnLink;
import io.bramble.core.tracking.StepEnd;
import io.bramble.core.tracking.StepStart;
import io.bramble.core.tracking.Tracker;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A running state machine: a graph, a state, the next action and the sequence id the next step gets
 * (the first step is 0). Not thread-safe: one thread drives an application at a time.
 *
 * <p>Runtimes drive it through {@link #seam()} ({@link Seam}): run until the next parallel step,
 * map that step's children without running them, complete it from their final states.
 */
public final class Application {
  private final Graph graph;
  private final String appId;
  private final String partitionKey;
  private final Tracker tracker;
  private final Persister persister;
  private final List<LifecycleHook> hooks;
  private final ParallelExecutor executor;
  private final ParentPointer parent;

  /** Where the partial results of this app's steps and its local children's go. */
  private ChunkListener chunks;

  private final ValueOffloader offloader;

  /** Whether this app was cancelled (by its runtime), as its steps see it. */
  private final BooleanSupplier cancellation;

  private State state;
  private String next;
  private long nextSequenceId;

  /** Whether the builder loaded this application's state from a persister (set once, by it). */
  boolean restored;

  /** Whether this instance has run a step (a failed one included). */
  private boolean stepped;

  Application(
      Graph graph,
      String appId,
      String partitionKey,
      Tracker tracker,
      Persister persister,
      List<LifecycleHook> hooks,
      ParallelExecutor executor,
      ParentPointer parent,
      ChunkListener chunks,
      ValueOffloader offloader,
      BooleanSupplier cancellation,
      State state,
      String next,
      long nextSequenceId) {
    this.graph = graph;
    this.appId = appId;
    this.partitionKey = partitionKey;
    this.tracker = tracker;
    this.persister = persister;
    this.hooks = hooks;
    this.executor = executor;
    this.parent = parent;
    this.chunks = chunks;
    this.offloader = offloader;
    this.cancellation = cancellation;
    this.state = offloader.offload(state);
    this.next = next;
    this.nextSequenceId = nextSequenceId;
  }

  public static ApplicationBuilder builder() {
    return new ApplicationBuilder();
  }

  // ---- inspection ----------------------------------------------------------------------------

  public Graph graph() {
    return graph;
  }

  public String appId() {
    return appId;
  }

  public String partitionKey() {
    return partitionKey;
  }

  public State state() {
    return state;
  }

  /** The action the next step runs, or null when the application has ended. */
  public String nextAction() {
    return next;
  }

  public boolean hasNext() {
    return next != null;
  }

  /**
   * The sequence id of the last step that ran (as Burr's {@code sequence_id}); null before the
   * first.
   */
  public Long sequenceId() {
    return nextSequenceId == 0 ? null : nextSequenceId - 1;
  }

  /** The sequence id the next step gets (0 for the first). */
  public long nextSequenceId() {
    return nextSequenceId;
  }

  /** The action of the last completed step, or null before the first. */
  public String priorAction() {
    return (String) state.get(State.PRIOR_STEP);
  }

  public ParentPointer parent() {
    return parent;
  }

  private boolean nextIsParallel() {
    return next != null && graph.action(next) instanceof ParallelAction;
  }

  /** How a runtime drives this application (see {@link Seam}); not needed to run it. */
  public Seam seam() {
    return seam;
  }

  // ---- running -------------------------------------------------------------------------------

  public Optional<StepResult> step() {
    return step(Map.of());
  }

  /** Runs the next action; empty when the application has ended. */
  public Optional<StepResult> step(Map<String, Object> inputs) {
    checkCallerInputs(inputs);
    if (next == null) {
      return Optional.empty();
    }
    Action action = graph.action(next);
    if (action instanceof ParallelAction parallel) {
      return Optional.of(runStep(action, inputs, (ctx, in) -> runLocally(parallel, ctx, in)));
    }
    return Optional.of(runStep(action, inputs, (ctx, in) -> action.execute(state, in, ctx)));
  }

  /**
   * The steps of a run, lazily: each iteration runs one step. {@code halt} is checked after every
   * step (so at least one step runs).
   */
  public Steps iterate(Halt halt, Map<String, Object> inputs) {
    halt.validate(graph);
    checkCallerInputs(inputs);
    return new Steps(
        () ->
            new Iterator<>() {
              private boolean stopped;
              private StepResult last;

              @Override
              public boolean hasNext() {
                if (stopped || next == null) {
                  return false;
                }
                if (last != null
                    && halt.stopsBetween(graph.action(last.action()), graph.action(next))) {
                  stopped = true;
                  ended(ApplicationEnd.Status.HALTED, last.sequenceId(), last.action(), null);
                  return false;
                }
                return true;
              }

              @Override
              public StepResult next() {
                if (!hasNext()) {
                  throw new NoSuchElementException("the run has halted");
                }
                last = step(inputs).orElseThrow();
                return last;
              }
            });
  }

  /** Runs until {@code halt} holds or the application ends; see {@link RunResult}. */
  public RunResult run(Halt halt, Map<String, Object> inputs) {
    StepResult last = null;
    for (StepResult s : iterate(halt, inputs)) {
      last = s;
    }
    return result(last, halt);
  }

  public RunResult run(Halt halt) {
    return run(halt, Map.of());
  }

  public RunResult run(Map<String, Object> inputs) {
    return run(Halt.never(), inputs);
  }

  public RunResult run() {
    return run(Map.of());
  }

  /**
   * As {@link #run(Halt, Map)}, handing {@code listener} the partial results of every step as its
   * action emits them (its local children's too, labelled), each before its step's result; on the
   * threads the actions run on.
   */
  public RunResult run(Halt halt, Map<String, Object> inputs, ChunkListener listener) {
    ChunkListener before = chunks;
    chunks = before.andThen(listener);
    try {
      return run(halt, inputs);
    } finally {
      chunks = before;
    }
  }

  /**
   * Runs until {@code halt} holds or the application ends, on a thread of its own, yielding the
   * partial results of the running actions (its local children's too) as they come; then {@link
   * StreamingRun#result()} gives where the run stopped. Leave the application alone until the run
   * has ended.
   */
  public StreamingRun stream(Halt halt, Map<String, Object> inputs) {
    return StreamingRun.start(appId, listener -> run(halt, inputs, listener));
  }

  private RunResult result(StepResult last, Halt halt) {
    if (last == null) {
      return new RunResult(null, null, state);
    }
    if (next != null && halt.stopsBefore(graph.action(next))) {
      return new RunResult(next, null, state);
    }
    return new RunResult(last.action(), last.result(), state);
  }

  // ---- the seam runtimes drive -----------------------------------------------------------------

  private final Seam seam =
      new Seam() {
        @Override
        public Stop runUntilParallel(
            Halt halt, Predicate<Action> here, Map<String, Object> inputs) {
          halt.validate(graph);
          checkCallerInputs(inputs);
          while (next != null && !nextIsParallel()) {
            if (!here.test(graph.action(next))) {
              return Stop.CONTINUES;
            }
            StepResult last = step(inputs).orElseThrow();
            if (next != null
                && halt.stopsBetween(graph.action(last.action()), graph.action(next))) {
              ended(ApplicationEnd.Status.HALTED, last.sequenceId(), last.action(), null);
              return Stop.HALTED;
            }
          }
          return next == null ? Stop.ENDED : Stop.AT_PARALLEL;
        }

        @Override
        public void continueAt(long sequenceId) {
          if (stepped) {
            throw new ApplicationException(
                "app " + appId + " has run steps already; continueAt is for a fresh application");
          }
          nextSequenceId = sequenceId;
        }

        @Override
        public boolean nextIsParallel() {
          return Application.this.nextIsParallel();
        }

        @Override
        public List<SubGraphTask> parallelTasks(Map<String, Object> inputs) {
          checkCallerInputs(inputs);
          ParallelAction parallel = nextParallel("parallelTasks");
          return mapTasks(parallel, context(parallel, nextSequenceId), inputsFor(parallel, inputs));
        }

        @Override
        public Stop completeParallelStep(
            List<State> succeeded,
            List<ChildFailure> failures,
            int children,
            Halt halt,
            Map<String, Object> inputs) {
          halt.validate(graph);
          checkCallerInputs(inputs);
          ParallelAction parallel = nextParallel("completeParallelStep");
          StepResult step =
              runStep(
                  parallel,
                  inputs,
                  (ctx, in) -> joined(parallel, succeeded, failures, children, f -> null));
          if (next == null) {
            return Stop.ENDED;
          }
          if (halt.stopsBetween(parallel, graph.action(next))) {
            ended(ApplicationEnd.Status.HALTED, step.sequenceId(), step.action(), null);
            return Stop.HALTED;
          }
          return nextIsParallel() ? Stop.AT_PARALLEL : Stop.CONTINUES;
        }

        @Override
        public boolean isDone(Halt halt) {
          String prior = priorAction();
          return prior != null
              && (next == null || halt.stopsBetween(graph.action(prior), graph.action(next)));
        }
      };

  private ParallelAction nextParallel(String operation) {
    if (!nextIsParallel()) {
      throw new ApplicationException(
          operation
              + " needs a parallel next action; app "
              + appId
              + " is at "
              + (next == null ? "its end" : "'" + next + "'"));
    }
    return (ParallelAction) graph.action(next);
  }

  // ---- one step ------------------------------------------------------------------------------

  @FunctionalInterface
  private interface StepBody {
    ActionOutcome run(ActionContext context, Map<String, Object> inputs) throws Exception;
  }

  private StepResult runStep(Action action, Map<String, Object> callerInputs, StepBody body) {
    stepped = true;
    long seq = nextSequenceId;
    Map<String, Object> inputs = inputsFor(action, callerInputs);
    State before = state;
    long started = System.currentTimeMillis();
    if (!hooks.isEmpty()) {
      StepStart start =
          new StepStart(appId, partitionKey, seq, action.name(), inputs, before, started);
      hooks.forEach(h -> h.beforeStep(start));
    }
    ActionOutcome outcome = null;
    State after = null;
    String following = null;
    RetryPolicy retry = action.retryPolicy();
    List<ModelCall> modelCalls;
    try (ModelCalls.Recording calls = ModelCalls.start()) {
      for (int attempt = 1; outcome == null; attempt++) {
        try {
          ActionOutcome o = body.run(context(action, seq, attempt), inputs);
          after =
              StateInternals.withStep(checkWrites(action, before, o.state()), seq, action.name());
          following = graph.next(action.name(), after);
          outcome = o;
        } catch (Throwable t) {
          if (!(t instanceof Error) && retry.retries(t, attempt)) {
            retry.pauseAfter(attempt);
            continue;
          }
          throw failed(action, seq, before, started, t, calls.calls());
        }
      }
      modelCalls = calls.calls();
    }
    try {
      // Outside the retries: a value the store refuses is no reason to run the action again.
      after = offloader.offload(after);
    } catch (RuntimeException e) {
      throw failed(action, seq, before, started, e, modelCalls);
    }
    state = after;
    next = following;
    nextSequenceId = seq + 1;
    if (persister != null) {
      persister.save(partitionKey, appId, seq, action.name(), after, Status.COMPLETED);
    }
    if (!hooks.isEmpty()) {
      StepEnd end =
          new StepEnd(
              appId,
              partitionKey,
              seq,
              action.name(),
              outcome.result(),
              after,
              null,
              started,
              System.currentTimeMillis(),
              modelCalls);
      hooks.forEach(h -> h.afterStep(end));
    }
    if (next == null) {
      ended(ApplicationEnd.Status.COMPLETED, seq, action.name(), null);
    }
    return new StepResult(action.name(), seq, outcome.result(), after);
  }

  /** Tells the hooks the application stopped after step {@code lastSequenceId}. */
  private void ended(
      ApplicationEnd.Status status, long lastSequenceId, String lastAction, String error) {
    if (hooks.isEmpty()) {
      return;
    }
    ApplicationEnd end =
        new ApplicationEnd(
            appId,
            partitionKey,
            status,
            lastSequenceId,
            lastAction,
            next,
            error,
            System.currentTimeMillis());
    hooks.forEach(h -> h.onApplicationEnded(end));
  }

  /** Records a failed step (saved with the state before it, tracked) and returns what to throw. */
  private RuntimeException failed(
      Action action,
      long seq,
      State before,
      long started,
      Throwable t,
      List<ModelCall> modelCalls) {
    if (persister != null) {
      persister.save(partitionKey, appId, seq, action.name(), before, Status.FAILED);
    }
    if (!hooks.isEmpty()) {
      StepEnd end =
          new StepEnd(
              appId,
              partitionKey,
              seq,
              action.name(),
              null,
              before,
              t,
              started,
              System.currentTimeMillis(),
              modelCalls);
      hooks.forEach(h -> h.afterStep(end));
    }
    ended(ApplicationEnd.Status.FAILED, seq, action.name(), String.valueOf(t.getMessage()));
    if (t instanceof Error e && !(t instanceof AssertionError)) {
      throw e;
    }
    return new ActionFailedException(appId, action.name(), seq, t);
  }

  private ActionContext context(Action action, long seq) {
    return context(action, seq, 1);
  }

  private ActionContext context(Action action, long seq, int attempt) {
    Tracker childTracker = tracker;
    Persister childPersister = persister;
    if (action instanceof ParallelAction parallel) {
      childTracker = parallel.childTracker().resolve(tracker, t -> t);
      childPersister = parallel.childPersister().resolve(persister, p -> p);
    }
    return new ActionContext(
        appId,
        partitionKey,
        seq,
        attempt,
        action.name(),
        childTracker,
        childPersister,
        executor,
        ownChunks(),
        cancellation);
  }

  /** This app's chunks, with its parent's id, to the listener. */
  private ChunkListener ownChunks() {
    ChunkListener to = chunks;
    if (to == ChunkListener.NONE) {
      return to;
    }
    String parentId = parent == null ? null : parent.appId();
    return c ->
        to.onChunk(
            new Chunk(
                c.appId(), parentId, c.label(), c.action(), c.sequenceId(), c.attempt(), c.text()));
  }

  /** The chunks of child {@code index} of {@code parallel}, labelled, to this app's listener. */
  private ChunkListener childChunks(ParallelAction parallel, int index) {
    ChunkListener to = chunks;
    if (to == ChunkListener.NONE) {
      return to;
    }
    String label = Chunk.childLabel(parallel.name(), index);
    return c -> to.onChunk(c.under(label));
  }

  /** Keys the action changed must be declared writes; every declared write must be present. */
  private static State checkWrites(Action action, State before, State after) {
    if (after == null) {
      throw new ActionException("action '" + action.name() + "' returned no state");
    }
    List<String> writes = action.writes();
    // As held: a deferred value passed on unchanged is compared by identity, not loaded.
    Map<String, Object> was = StateInternals.raw(before);
    for (Map.Entry<String, Object> e : StateInternals.raw(after).entrySet()) {
      String key = e.getKey();
      if (StateInternals.isInternal(key) || writes.contains(key)) {
        continue;
      }
      if (!was.containsKey(key) || !StateValues.deepEquals(was.get(key), e.getValue())) {
        throw new ActionException(
            "action '"
                + action.name()
                + "' wrote key '"
                + key
                + "', which it does not declare (writes: "
                + writes
                + ")");
      }
    }
    for (String key : before.keys()) {
      if (!StateInternals.isInternal(key) && !after.has(key) && !writes.contains(key)) {
        throw new ActionException(
            "action '"
                + action.name()
                + "' deleted key '"
                + key
                + "', which it does not declare (writes: "
                + writes
                + ")");
      }
    }
    for (String key : writes) {
      if (!after.has(key)) {
        throw new ActionException(
            "action '" + action.name() + "' declares write '" + key + "' but did not write it");
      }
    }
    return after;
  }

  // ---- inputs --------------------------------------------------------------------------------

  private static void checkCallerInputs(Map<String, Object> inputs) {
    for (String k : inputs.keySet()) {
      if (StateInternals.isInternal(k)) {
        throw new ApplicationException(
            "input '" + k + "' is reserved: inputs starting with __ are internal");
      }
    }
  }

  /**
   * The inputs {@code action} declares, out of those the caller gave; required ones must be there.
   */
  private static Map<String, Object> inputsFor(Action action, Map<String, Object> inputs) {
    List<String> required = action.requiredInputs();
    List<String> optional = action.optionalInputs();
    if (required.isEmpty() && optional.isEmpty()) {
      return Map.of();
    }
    Map<String, Object> in = new LinkedHashMap<>();
    for (String k : required) {
      if (!inputs.containsKey(k)) {
        throw new ApplicationException(
            "action '"
                + action.name()
                + "' requires input '"
                + k
                + "', which was not given (given: "
                + inputs.keySet()
                + ")");
      }
      in.put(k, inputs.get(k));
    }
    for (String k : optional) {
      if (inputs.containsKey(k)) {
        in.put(k, inputs.get(k));
      }
    }
    return in;
  }

  // ---- parallel steps, locally -----------------------------------------------------------------

  /** What a child of a local parallel step came to when it was cancelled. */
  private static final Object CANCELLED = new Object();

  private ActionOutcome runLocally(
      ParallelAction parallel, ActionContext ctx, Map<String, Object> inputs) {
    List<SubGraphTask> tasks = mapTasks(parallel, ctx, inputs);
    RetryPolicy retry = parallel.childRetryPolicy();
    LocalJoin join = new LocalJoin(parallel, tasks.size());
    LocalBudget places =
        parallel.maxConcurrency() > 0 ? new LocalBudget(parallel.maxConcurrency()) : null;
    List<Callable<Object>> calls = new ArrayList<>(tasks.size());
    for (int i = 0; i < tasks.size(); i++) {
      SubGraphTask task = tasks.get(i);
      int index = i;
      ChunkListener childChunks = childChunks(parallel, i);
      calls.add(() -> runChild(task, index, retry, join, places, childChunks));
    }
    List<Object> ends;
    try {
      ends = executor.invokeAll(calls);
    } catch (ParallelExecutor.TaskFailure f) {
      // A child's call ends with its state, its error or CANCELLED: only an interrupt gets here.
      throw new IllegalStateException(
          "interrupted while running the children of parallel action '" + parallel.name() + "'",
          f.getCause());
    }
    List<State> succeeded = new ArrayList<>();
    List<ChildFailure> failures = new ArrayList<>();
    Map<Integer, Throwable> errors = new LinkedHashMap<>();
    for (int i = 0; i < tasks.size(); i++) {
      Object end = ends.get(i);
      if (end instanceof State s) {
        succeeded.add(s);
      } else if (end instanceof Throwable t) {
        Throwable root = t instanceof ActionFailedException a ? a.rootCause() : t;
        failures.add(
            new ChildFailure(i, tasks.get(i).appId(), root.getClass().getName(), t.getMessage()));
        errors.put(i, t);
      }
    }
    return joined(parallel, succeeded, failures, tasks.size(), f -> errors.get(f.index()));
  }

  /** Runs one child of a local parallel step: its final state, its error, or CANCELLED. */
  private Object runChild(
      SubGraphTask task,
      int index,
      RetryPolicy retry,
      LocalJoin join,
      LocalBudget places,
      ChunkListener chunks) {
    try {
      if (places != null) {
        places.take(index);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return e;
    }
    try {
      for (int attempt = 1; ; attempt++) {
        if (join.isOver()) {
          return CANCELLED;
        }
        try {
          State end = SubApplications.run(task, executor, join.boundary(), chunks);
          if (join.pastDeadline()) {
            return join.failed() ? join.timedOut(task.appId()) : CANCELLED;
          }
          return join.completed() ? end : CANCELLED;
        } catch (LocalJoin.Cancelled c) {
          return CANCELLED;
        } catch (ChildTimedOutException t) {
          return join.failed() ? t : CANCELLED;
        } catch (RuntimeException e) {
          if (!retry.retries(e, attempt)) {
            return join.failed() ? e : CANCELLED;
          }
          retry.pauseAfter(attempt);
        }
      }
    } finally {
      if (places != null) {
        places.free();
      }
    }
  }

  /**
   * Reduces a parallel step's join of {@code children}, locally or for a runtime: when its policy
   * is satisfied, over the children that completed (their failures count only for a
   * failure-tolerant action); else a failure-tolerant action decides, and any other fails the step
   * with the first failure ({@code cause} gives its error, when known).
   */
  private ActionOutcome joined(
      ParallelAction parallel,
      List<State> succeeded,
      List<ChildFailure> failures,
      int children,
      Function<ChildFailure, Throwable> cause) {
    boolean satisfied = parallel.joinPolicy().isSatisfied(succeeded.size(), children);
    if (satisfied && !parallel.toleratesChildFailures()) {
      return reduce(parallel, succeeded);
    }
    if (!failures.isEmpty() && !parallel.toleratesChildFailures()) {
      ChildFailure f = failures.get(0);
      Throwable error = cause.apply(f);
      throw new ChildApplicationException(
          parallel.name(),
          f.index(),
          f.appId(),
          error != null ? error : new IllegalStateException(f.errorType() + ": " + f.message()));
    }
    return reduceWithFailures(parallel, succeeded, failures);
  }

  private List<SubGraphTask> mapTasks(
      ParallelAction parallel, ActionContext ctx, Map<String, Object> inputs) {
    List<SubGraphTask> tasks = parallel.tasks(state, ctx, inputs);
    if (!hooks.isEmpty()) {
      for (int i = 0; i < tasks.size(); i++) {
        SpawnLink link =
            new SpawnLink(
                appId, partitionKey, ctx.sequenceId(), parallel.name(), tasks.get(i).appId(), i);
        hooks.forEach(h -> h.onSpawn(link));
      }
    }
    return tasks;
  }

  private ActionOutcome reduceWithFailures(
      ParallelAction parallel, List<State> succeeded, List<ChildFailure> failures) {
    return outcomeOf(
        parallel,
        failures.isEmpty()
            ? parallel.reduce(state, succeeded)
            : parallel.reduceWithFailures(state, succeeded, failures));
  }

  private ActionOutcome reduce(ParallelAction parallel, List<State> childStates) {
    return outcomeOf(parallel, parallel.reduce(state, childStates));
  }

  private static ActionOutcome outcomeOf(ParallelAction parallel, State reduced) {
    Map<String, Object> result = new LinkedHashMap<>();
    for (String k : parallel.writes()) {
      result.put(k, reduced.get(k));
    }
    return ActionOutcome.of(result, reduced);
  }

  @Override
  public String toString() {
    return "Application(" + appId + ", next=" + next + ", sequenceId=" + nextSequenceId + ")";
  }
}
