package io.bramble.core.application;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Graph;
import io.bramble.core.graph.Transition;
import io.bramble.core.parallel.ParallelExecutor;
import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.core.persistence.PersistedState;
import io.bramble.core.persistence.Persister;
import io.bramble.core.persistence.Status;
import io.bramble.core.runtime.ValueOffloader;
import io.bramble.core.state.State;
import io.bramble.core.stream.ChunkListener;
import io.bramble.core.tracking.ApplicationInfo;
import io.bramble.core.tracking.LifecycleHook;
import io.bramble.core.tracking.ParentPointer;
import io.bramble.core.tracking.Tracker;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * Builds an {@link Application}: graph, state and entrypoint (or where to load them), identity,
 * hooks.
 */
public final class ApplicationBuilder {
  private Graph graph;
  private final Graph.Builder graphBuilder = Graph.builder();
  private boolean graphParts;
  private State state = State.empty();
  private String entrypoint;
  private String appId;
  private String partitionKey;
  private Tracker tracker;
  private Persister persister;
  private final List<LifecycleHook> hooks = new ArrayList<>();
  private ParallelExecutor executor;
  private ParentPointer spawningParent;
  private ChunkListener chunks = ChunkListener.NONE;
  private ValueOffloader offloader = ValueOffloader.NONE;
  private BooleanSupplier cancellation;

  private Persister initializer;
  private boolean resumeAtNextAction;
  private State defaultState;
  private String defaultEntrypoint;
  private String forkAppId;
  private String forkPartitionKey;
  private Long forkSequenceId;

  ApplicationBuilder() {}

  public ApplicationBuilder withGraph(Graph graph) {
    this.graph = graph;
    return this;
  }

  public ApplicationBuilder withActions(Action... actions) {
    graphBuilder.withActions(actions);
    graphParts = true;
    return this;
  }

  public ApplicationBuilder withTransitions(Transition... transitions) {
    graphBuilder.withTransitions(transitions);
    graphParts = true;
    return this;
  }

  public ApplicationBuilder withTransition(String from, String to) {
    return withTransitions(Transition.of(from, to));
  }

  public ApplicationBuilder withTransition(String from, String to, Condition condition) {
    return withTransitions(Transition.of(from, to, condition));
  }

  /** One transition from each of {@code from} to {@code to}, under {@code condition}. */
  public ApplicationBuilder withTransition(List<String> from, String to, Condition condition) {
    from.forEach(f -> withTransition(f, to, condition));
    return this;
  }

  /** One unconditional transition from each of {@code from} to {@code to}. */
  public ApplicationBuilder withTransition(List<String> from, String to) {
    return withTransition(from, to, Condition.DEFAULT);
  }

  public ApplicationBuilder withState(State state) {
    this.state = state;
    return this;
  }

  public ApplicationBuilder withState(Map<String, ?> values) {
    return withState(State.of(values));
  }

  public ApplicationBuilder withEntrypoint(String action) {
    this.entrypoint = action;
    return this;
  }

  /** The app id (a random UUID when null) and the partition key (may be null). */
  public ApplicationBuilder withIdentifiers(String appId, String partitionKey) {
    this.appId = appId;
    this.partitionKey = partitionKey;
    return this;
  }

  public ApplicationBuilder withTracker(Tracker tracker) {
    this.tracker = tracker;
    return this;
  }

  /** Saves every step to {@code persister} (null: no saving). */
  public ApplicationBuilder withPersister(Persister persister) {
    this.persister = persister;
    return this;
  }

  public ApplicationBuilder withHooks(LifecycleHook... hooks) {
    this.hooks.addAll(List.of(hooks));
    return this;
  }

  public ApplicationBuilder withParallelExecutor(ParallelExecutor executor) {
    this.executor = executor;
    return this;
  }

  /**
   * Hands {@code listener} the partial results of every step as its action emits them, its local
   * children's too (see {@link Application#stream} for one run).
   */
  public ApplicationBuilder withChunkListener(ChunkListener listener) {
    this.chunks = listener == null ? ChunkListener.NONE : listener;
    return this;
  }

  /**
   * Where a runtime keeps the state's large values ({@link ValueOffloader}); the state is handed to
   * it after every step. Local runs need none.
   */
  public ApplicationBuilder withValueOffloader(ValueOffloader offloader) {
    this.offloader = offloader == null ? ValueOffloader.NONE : offloader;
    return this;
  }

  /**
   * Tells this application's steps whether it was cancelled ({@link
   * io.bramble.core.action.ActionContext#isCancelled}); a runtime that cancels apps sets it.
   */
  public ApplicationBuilder withCancellation(BooleanSupplier cancelled) {
    this.cancellation = cancelled;
    return this;
  }

  /** Marks this application as a child of a parent's step (trackers record the link). */
  public ApplicationBuilder withSpawningParent(ParentPointer parent) {
    this.spawningParent = parent;
    return this;
  }

  public ApplicationBuilder withSpawningParent(
      String parentAppId, String parentPartitionKey, long parentSequenceId) {
    return withSpawningParent(new ParentPointer(parentAppId, parentPartitionKey, parentSequenceId));
  }

  /**
   * Loads where to start from {@code persister}: after a completed step, the next action (or the
   * same one again when {@code resumeAtNextAction} is false); after a failed step, the failed
   * action on the state before it; with nothing saved, {@code defaultState} at {@code
   * defaultEntrypoint}. Combine with {@link #forkFrom} to start a new app from another's step.
   */
  public ApplicationBuilder initializeFrom(
      Persister persister,
      boolean resumeAtNextAction,
      State defaultState,
      String defaultEntrypoint) {
    this.initializer = persister;
    this.resumeAtNextAction = resumeAtNextAction;
    this.defaultState = defaultState;
    this.defaultEntrypoint = defaultEntrypoint;
    return this;
  }

  /**
   * Fork: load {@code appId}'s step {@code sequenceId} (null: latest) and continue it under this
   * app's own id.
   */
  public ApplicationBuilder forkFrom(String appId, String partitionKey, Long sequenceId) {
    this.forkAppId = appId;
    this.forkPartitionKey = partitionKey;
    this.forkSequenceId = sequenceId;
    return this;
  }

  public Application build() {
    Graph g = graph != null ? graph : graphBuilder.build();
    if (graph != null && graphParts) {
      throw new ApplicationException(
          "give either withGraph or withActions/withTransitions, not both");
    }
    String id = appId != null ? appId : UUID.randomUUID().toString();
    State startState = state;
    String next = entrypoint;
    long nextSeq = 0;
    ParentPointer forkedFrom = null;
    boolean restored = false;

    if (initializer != null) {
      if (forkAppId != null && forkAppId.equals(id)) {
        throw new ApplicationException(
            "a fork needs its own app id; " + id + " is the app it forks from");
      }
      Optional<PersistedState> loaded =
          forkAppId != null
              ? initializer.load(forkPartitionKey, forkAppId, forkSequenceId)
              : initializer.load(partitionKey, id, null);
      if (forkAppId != null && loaded.isEmpty()) {
        throw new ApplicationException(
            "cannot fork from app "
                + forkAppId
                + (forkSequenceId == null ? "" : " step " + forkSequenceId)
                + ": the persister has nothing saved for it");
      }
      if (loaded.isPresent()) {
        restored = true;
        PersistedState p = loaded.get();
        startState = p.state();
        if (p.status() == Status.FAILED) {
          next = p.position();
          nextSeq = p.sequenceId();
        } else {
          next = resumeAtNextAction ? g.next(p.position(), p.state()) : p.position();
          nextSeq = p.sequenceId() + 1;
        }
        if (forkAppId != null) {
          forkedFrom = new ParentPointer(forkAppId, forkPartitionKey, p.sequenceId());
        }
      } else {
        startState = defaultState == null ? State.empty() : defaultState;
        next = defaultEntrypoint;
      }
    } else if (next == null) {
      throw new ApplicationException("an application needs an entrypoint (withEntrypoint)");
    }
    if (next != null) {
      g.action(next);
    }

    List<LifecycleHook> allHooks = new ArrayList<>();
    if (tracker != null) {
      allHooks.add(tracker);
    }
    allHooks.addAll(hooks);
    Application app =
        new Application(
            g,
            id,
            partitionKey,
            tracker,
            persister,
            List.copyOf(allHooks),
            executor != null ? executor : ThreadPoolParallelExecutor.shared(),
            spawningParent,
            chunks,
            offloader,
            cancellation == null ? () -> false : cancellation,
            startState,
            next,
            nextSeq);
    app.restored = restored;
    if (!allHooks.isEmpty()) {
      ApplicationInfo info =
          new ApplicationInfo(id, partitionKey, g, next, spawningParent, forkedFrom);
      allHooks.forEach(h -> h.onApplicationCreated(info));
    }
    return app;
  }
}
