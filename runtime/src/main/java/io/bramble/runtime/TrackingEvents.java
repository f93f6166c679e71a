package io.bramble.runtime;

import io.bramble.core.graph.GraphView;
import io.bramble.core.state.DeferredValue;
import io.bramble.core.state.StateValues;
import io.bramble.core.tracking.ApplicationEnd;
import io.bramble.core.tracking.ApplicationInfo;
import io.bramble.core.tracking.SpawnLink;
import io.bramble.core.tracking.StepEnd;
import io.bramble.core.tracking.StepStart;
import io.bramble.runtime.values.ValueSizes;
import io.bramble.runtime.values.ValueStoreConfig;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.ActionShape;
import io.bramble.schemas.avro.AppStatus;
import io.bramble.schemas.avro.ErrorInfo;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.GraphShape;
import io.bramble.schemas.avro.ModelCall;
import io.bramble.schemas.avro.StateData;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.avro.TransitionShape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place tracking events are made: the core's tracking model (application created, step
 * start and end, spawn links, application ended) and the distributed runtime's own facts (fan-out,
 * join progress, job done) as typed {@link TrackingEvent}s. Workers, the coordinator and every
 * reader ({@code bramble watch}, the client's progress, the UI) agree through it.
 */
public final class TrackingEvents {
  private TrackingEvents() {}

  /**
   * Every field at its default, built once: a builder started from it has every field set, where a
   * fresh one has Avro look up and copy each unset field's schema default at every build (about a
   * tenth of a worker's task threads' time in JFR).
   */
  private static final TrackingEvent DEFAULTS =
      TrackingEvent.newBuilder().setAppId("").setKind(EventKind.APP_CREATED).build();

  /**
   * {@code events} (about one application, in order) as one record's value: the first, which takes
   * the others in its {@code batched}. {@link #unbatched} is its inverse.
   */
  public static TrackingEvent batch(List<TrackingEvent> events) {
    if (events.isEmpty()) {
      throw new IllegalArgumentException("a batch holds at least one event");
    }
    TrackingEvent first = events.get(0);
    first.setBatched(new ArrayList<>(events.subList(1, events.size())));
    return first;
  }

  /**
   * The events one record carries, in the order they happened: the record's own, then those it
   * {@link #batch batched} (taken out of it). Every reader of the events topic reads records
   * through this.
   */
  public static List<TrackingEvent> unbatched(TrackingEvent record) {
    List<TrackingEvent> more = record.getBatched();
    if (more.isEmpty()) {
      return List.of(record);
    }
    List<TrackingEvent> all = new ArrayList<>(1 + more.size());
    record.setBatched(List.of());
    all.add(record);
    all.addAll(more);
    return all;
  }

  private static TrackingEvent.Builder base(
      String appId, EventKind kind, String rootAppId, String process, long nowMs) {
    return TrackingEvent.newBuilder(DEFAULTS)
        .setAppId(appId)
        .setKind(kind)
        .setRootAppId(rootAppId)
        .setWorkerId(process)
        .setTimestampMs(nowMs)
        .setPayload(StateCodec.fromMap(Map.of()));
  }

  public static TrackingEvent appCreated(
      ApplicationInfo app, String graphName, String rootAppId, String process, long nowMs) {
    return base(app.appId(), EventKind.APP_CREATED, rootAppId, process, nowMs)
        .setGraphName(graphName)
        .setGraph(shape(app.graph().view()))
        .setEntrypoint(app.entrypoint())
        .setPartitionKey(app.partitionKey())
        .setParentAppId(app.parent() == null ? null : app.parent().appId())
        .setParentSequenceId(app.parent() == null ? null : app.parent().sequenceId())
        .build();
  }

  /**
   * The coordinator accepted job {@code appId} of graph {@code graphName}; its worker tells the
   * rest.
   */
  public static TrackingEvent jobAccepted(
      String appId, String graphName, String process, long nowMs) {
    return base(appId, EventKind.APP_CREATED, appId, process, nowMs)
        .setGraphName(graphName)
        .build();
  }

  /** The coordinator saw a job id again and ignored the submission. */
  public static TrackingEvent duplicateSubmission(String appId, String process, long nowMs) {
    return base(appId, EventKind.APP_CREATED, appId, process, nowMs)
        .setDuplicateSubmission(true)
        .build();
  }

  /** A step's start, in {@code pool} (null where pools do not apply). */
  public static TrackingEvent stepStarted(
      StepStart s, String rootAppId, String process, String pool) {
    return base(s.appId(), EventKind.STEP_START, rootAppId, process, s.startedAtMs())
        .setPool(pool)
        .setSequenceId(s.sequenceId())
        .setAction(s.action())
        .setInputs(values(s.inputs()))
        .setStartedAtMs(s.startedAtMs())
        .build();
  }

  /**
   * A step's end, in {@code pool} (null where pools do not apply), that also stands for its start,
   * {@code unsentStart} (null: the start was sent): it carries the start's inputs.
   */
  public static TrackingEvent stepEnded(
      StepEnd s, StepStart unsentStart, String rootAppId, String process, String pool) {
    return base(s.appId(), EventKind.STEP_END, rootAppId, process, s.endedAtMs())
        .setPool(pool)
        .setInputs(unsentStart == null ? null : values(unsentStart.inputs()))
        .setSequenceId(s.sequenceId())
        .setAction(s.action())
        .setStepResult(s.result() == null ? null : values(s.result()))
        .setState(s.state() == null ? null : StateCodec.toAvro(s.state()))
        .setError(s.error() == null ? null : Errors.of(s.error()))
        .setStartedAtMs(s.startedAtMs())
        .setEndedAtMs(s.endedAtMs())
        .setModelCalls(
            s.modelCalls().stream()
                .map(
                    c ->
                        new ModelCall(c.model(), c.inputTokens(), c.outputTokens(), c.durationMs()))
                .toList())
        .build();
  }

  public static TrackingEvent spawned(
      SpawnLink link, String rootAppId, String process, long nowMs) {
    return base(link.parentAppId(), EventKind.SPAWN, rootAppId, process, nowMs)
        .setSequenceId(link.parentSequenceId())
        .setAction(link.parentAction())
        .setChildAppId(link.childAppId())
        .setChildIndex(link.childIndex())
        .build();
  }

  /**
   * The app stopped; a halted one with the inputs a resume must and may give ({@code nextInputs},
   * null when its graph is not known here).
   */
  public static TrackingEvent appEnded(
      ApplicationEnd end, String rootAppId, String process, DeclaredInputs nextInputs) {
    return base(end.appId(), EventKind.APP_ENDED, rootAppId, process, end.atMs())
        .setNextInputs(nextInputs == null ? null : nextInputs.toAvro())
        .setSequenceId(end.lastSequenceId())
        .setAction(end.lastAction())
        .setStatus(AppStatus.valueOf(end.status().name()))
        .setNextAction(end.nextAction())
        .setError(
            end.error() == null
                ? null
                : Errors.of("io.bramble.ApplicationFailed", end.error(), end.lastAction()))
        .build();
  }

  /** App {@code appId} of cancelled job {@code rootAppId} stopped: it runs nothing more. */
  public static TrackingEvent appCancelled(
      String appId, String rootAppId, String process, long nowMs) {
    return base(appId, EventKind.APP_ENDED, rootAppId, process, nowMs)
        .setStatus(AppStatus.CANCELLED)
        .build();
  }

  /**
   * A parallel step of {@code parentAppId} fanned out to {@code total} children, of which this
   * event names {@code childAppIds} (in task order, from child {@code firstChild} on): a wide
   * fan-out is reported in several events, as it arrives.
   */
  public static TrackingEvent fannedOut(
      String parentAppId,
      long sequenceId,
      String action,
      String rootAppId,
      int firstChild,
      List<String> childAppIds,
      long total,
      String process,
      long nowMs) {
    return base(parentAppId, EventKind.FANOUT, rootAppId, process, nowMs)
        .setSequenceId(sequenceId)
        .setAction(action)
        .setChildIndex(firstChild)
        .setChildAppIds(childAppIds)
        .setTotal(total)
        .build();
  }

  /**
   * {@code done} of {@code total} children of a join have reported; {@code reduced} once it is
   * over.
   */
  /** The progress of {@code join}: {@code done} of {@code total} children reported. */
  public static TrackingEvent joinProgress(
      FanOut join, long done, long total, boolean reduced, String process, long nowMs) {
    return joinProgress(
        join.getParentAppId(),
        join.getParentSequenceId(),
        join.getParallelAction(),
        join.getRootAppId(),
        done,
        total,
        reduced,
        process,
        nowMs);
  }

  public static TrackingEvent joinProgress(
      String parentAppId,
      long sequenceId,
      String action,
      String rootAppId,
      long done,
      long total,
      boolean reduced,
      String process,
      long nowMs) {
    return base(parentAppId, EventKind.JOIN_PROGRESS, rootAppId, process, nowMs)
        .setSequenceId(sequenceId)
        .setAction(action)
        .setDone(done)
        .setTotal(total)
        .setReduced(reduced)
        .build();
  }

  public static TrackingEvent jobDone(
      String appId,
      long sequenceId,
      String action,
      AppStatus status,
      ErrorInfo error,
      String process,
      long nowMs) {
    return base(appId, EventKind.JOB_DONE, appId, process, nowMs)
        .setSequenceId(sequenceId)
        .setAction(action)
        .setStatus(status)
        .setError(error)
        .build();
  }

  /**
   * A job the coordinator fails itself (its request breaks a rule of the coordinator's, or one of
   * its records does not decode): failed with {@code message}, naming {@code graphName}, since the
   * UI may have no other record of the job.
   */
  public static TrackingEvent jobFailed(
      String appId, String graphName, String message, String process, long nowMs) {
    return base(appId, EventKind.JOB_DONE, appId, process, nowMs)
        .setGraphName(graphName)
        .setStatus(AppStatus.FAILED)
        .setError(Errors.of("io.bramble.JobFailed", message, null))
        .build();
  }

  /**
   * A job halted: the apps of its tree that wait for a resume ({@code waitingAppIds}), the root in
   * front of {@code nextAction}.
   */
  public static TrackingEvent jobHalted(
      String appId,
      long sequenceId,
      String nextAction,
      List<String> waitingAppIds,
      String process,
      long nowMs) {
    return base(appId, EventKind.JOB_DONE, appId, process, nowMs)
        .setSequenceId(sequenceId < 0 ? null : sequenceId) // none: it waits at its first step
        .setStatus(AppStatus.HALTED)
        .setNextAction(nextAction)
        .setChildAppIds(waitingAppIds)
        .build();
  }

  /** The coordinator accepted resume {@code requestId} of halted app {@code appId}. */
  public static TrackingEvent resumed(
      String appId,
      String rootAppId,
      String requestId,
      long sequenceId,
      String action,
      String process,
      long nowMs) {
    return base(appId, EventKind.RESUMED, rootAppId, process, nowMs)
        .setRequestId(requestId)
        .setSequenceId(sequenceId)
        .setAction(action)
        .build();
  }

  /** The coordinator refused resume {@code requestId} of {@code appId}, saying why. */
  public static TrackingEvent resumeRefused(
      String appId, String requestId, String reason, String process, long nowMs) {
    return base(appId, EventKind.RESUME_REFUSED, null, process, nowMs)
        .setRequestId(requestId)
        .setError(Errors.of("io.bramble.ResumeRefused", reason, null))
        .build();
  }

  /** The coordinator cancelled job {@code rootAppId} at request {@code requestId}. */
  public static TrackingEvent cancelled(
      String rootAppId, String requestId, String process, long nowMs) {
    return base(rootAppId, EventKind.CANCELLED, rootAppId, process, nowMs)
        .setRequestId(requestId)
        .setStatus(AppStatus.CANCELLED)
        .build();
  }

  /** Job {@code rootAppId} is done: cancelled at a client's request. */
  public static TrackingEvent jobCancelled(String rootAppId, String process, long nowMs) {
    return base(rootAppId, EventKind.JOB_DONE, rootAppId, process, nowMs)
        .setStatus(AppStatus.CANCELLED)
        .build();
  }

  /** The coordinator refused cancel {@code requestId} of {@code appId}, saying why. */
  public static TrackingEvent cancelRefused(
      String appId, String requestId, String reason, String process, long nowMs) {
    return base(appId, EventKind.CANCEL_REFUSED, null, process, nowMs)
        .setRequestId(requestId)
        .setError(Errors.of("io.bramble.CancelRefused", reason, null))
        .build();
  }

  /**
   * The coordinator accepted migration {@code requestId} of job {@code rootAppId} to {@code
   * version}.
   */
  public static TrackingEvent migrating(
      String rootAppId, String requestId, String version, String process, long nowMs) {
    return base(rootAppId, EventKind.MIGRATING, rootAppId, process, nowMs)
        .setRequestId(requestId)
        .setGraphVersion(version)
        .build();
  }

  /** The coordinator refused migration {@code requestId} of {@code appId}, saying why. */
  public static TrackingEvent migrateRefused(
      String appId, String requestId, String reason, String process, long nowMs) {
    return base(appId, EventKind.MIGRATE_REFUSED, null, process, nowMs)
        .setRequestId(requestId)
        .setError(Errors.of("io.bramble.MigrateRefused", reason, null))
        .build();
  }

  /**
   * App {@code appId} moved from version {@code from} of its graph to {@code to}: it stood in front
   * of {@code action} there and continues in front of {@code nextAction}.
   */
  public static TrackingEvent migrated(
      String appId,
      String rootAppId,
      String from,
      String to,
      String action,
      String nextAction,
      String process,
      long nowMs) {
    return base(appId, EventKind.MIGRATED, rootAppId, process, nowMs)
        .setFromGraphVersion(from)
        .setGraphVersion(to)
        .setAction(action)
        .setNextAction(nextAction)
        .build();
  }

  /**
   * App {@code appId}, in front of {@code action} of version {@code from}, could not be moved to
   * {@code to}, for {@code reason}: it stays.
   */
  public static TrackingEvent migrationRefused(
      String appId,
      String rootAppId,
      String from,
      String to,
      String action,
      String reason,
      String process,
      long nowMs) {
    return base(appId, EventKind.MIGRATION_REFUSED, rootAppId, process, nowMs)
        .setFromGraphVersion(from)
        .setGraphVersion(to)
        .setAction(action)
        .setError(Errors.of("io.bramble.MigrationRefused", reason, action))
        .build();
  }

  /**
   * Tasks of job {@code rootAppId} wait in {@code pool}, which has no worker; {@code lag} tasks
   * wait there in all.
   */
  public static TrackingEvent poolWaiting(
      String rootAppId, String pool, long lag, String process, long nowMs) {
    return base(rootAppId, EventKind.POOL_WAITING, rootAppId, process, nowMs)
        .setPool(pool)
        .setLag(lag)
        .build();
  }

  /** {@code pool}, which job {@code rootAppId} waited for, has a worker again. */
  public static TrackingEvent poolServed(
      String rootAppId, String pool, String process, long nowMs) {
    return base(rootAppId, EventKind.POOL_SERVED, rootAppId, process, nowMs).setPool(pool).build();
  }

  /** The graph as the events topic carries it. */
  public static GraphShape shape(GraphView view) {
    return GraphShape.newBuilder()
        .setActions(
            view.actions().stream()
                .map(
                    a ->
                        ActionShape.newBuilder()
                            .setName(a.name())
                            .setParallel(a.parallel())
                            .setReads(a.reads())
                            .setWrites(a.writes())
                            .setTags(a.tags())
                            .build())
                .toList())
        .setTransitions(
            view.transitions().stream()
                .map(
                    t ->
                        TransitionShape.newBuilder()
                            .setFrom(t.from())
                            .setTo(t.to())
                            .setCondition(t.condition())
                            .build())
                .toList())
        .build();
  }

  /** The graph an event carries, back as the core's view; null when it carries none. */
  public static GraphView view(GraphShape shape) {
    if (shape == null) {
      return null;
    }
    return new GraphView(
        shape.getActions().stream()
            .map(
                a ->
                    new GraphView.ActionView(
                        a.getName(), a.getParallel(), a.getReads(), a.getWrites(), a.getTags()))
            .toList(),
        shape.getTransitions().stream()
            .map(t -> new GraphView.TransitionView(t.getFrom(), t.getTo(), t.getCondition()))
            .toList());
  }

  /**
   * Values a step handed around (its inputs, its result); anything that is not state-like is shown
   * as text, and a large one by its beginning: an event is for watching, and the state it carries
   * keeps large values by reference.
   */
  private static StateData values(Map<String, ?> values) {
    Map<String, Object> m = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          if (v instanceof DeferredValue || ValueSizes.below(v, LARGE)) {
            try {
              m.put(k, StateValues.normalize(k, v));
            } catch (RuntimeException notStateLike) {
              m.put(k, String.valueOf(v));
            }
          } else {
            String text = String.valueOf(v);
            m.put(k, text.substring(0, Math.min(200, text.length())) + "… (large: not in events)");
          }
        });
    return StateCodec.fromMap(m);
  }

  /** From this size on a value a step handed around is shown by its beginning only. */
  private static final long LARGE = ValueStoreConfig.DEFAULT_THRESHOLD_BYTES;
}
