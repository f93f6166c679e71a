package io.bramble.runtime;

import io.bramble.core.graph.Graph;
import io.bramble.core.tracking.ApplicationEnd;
import io.bramble.core.tracking.ApplicationInfo;
import io.bramble.core.tracking.SpawnLink;
import io.bramble.core.tracking.StepEnd;
import io.bramble.core.tracking.StepStart;
import io.bramble.core.tracking.Tracker;
import io.bramble.schemas.avro.TrackingEvent;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The tracking model as events for the events topic (see {@link TrackingEvents}): the same facts
 * the local file tracker writes, for the UI and {@code bramble watch}. Workers send the events as
 * they come; the coordinator collects them and forwards them in its transaction.
 *
 * <p>A tracker {@link #deferringStarts deferring starts} sends a step's start only once the step
 * has run for a while; a step that ends sooner is told by its end alone, which carries the start's
 * inputs. Most steps of a fan-out take well under a millisecond, and a start record each was a
 * quarter of the records a child task wrote; a slow step (an LLM call) is still seen running.
 */
public final class EventTracker implements Tracker {
  private final String processId;
  private final String pool; // null: pools do not apply (the coordinator's reduce steps)
  private final String graph;

  /** The app's graph, once it is created: a halted app's event names the inputs it takes next. */
  private volatile Graph appGraph;

  private final String rootAppId;
  private final String label; // null or empty: a root, or not known
  private final Consumer<TrackingEvent> sink;
  private final ScheduledExecutorService scheduler; // null: starts are sent at once
  private final Duration startDelay;

  // Guarded by this: the start not sent yet, and its scheduled sending.
  private StepStart unsentStart;
  private ScheduledFuture<?> startSending;

  public EventTracker(
      String processId, String graph, String rootAppId, Consumer<TrackingEvent> sink) {
    this(processId, null, graph, rootAppId, null, sink, null, Duration.ZERO);
  }

  private EventTracker(
      String processId,
      String pool,
      String graph,
      String rootAppId,
      String label,
      Consumer<TrackingEvent> sink,
      ScheduledExecutorService scheduler,
      Duration startDelay) {
    this.processId = processId;
    this.pool = pool;
    this.graph = graph;
    this.rootAppId = rootAppId;
    this.label = label;
    this.sink = sink;
    this.scheduler = scheduler;
    this.startDelay = startDelay;
  }

  /**
   * A tracker of steps that run in {@code pool} (of an app labelled {@code label} in its job's
   * tree), sending a step's start on {@code scheduler} once the step has run for {@code
   * startDelay}, and not at all if it ends sooner.
   */
  public static EventTracker deferringStarts(
      String processId,
      String pool,
      String graph,
      String rootAppId,
      String label,
      Consumer<TrackingEvent> sink,
      ScheduledExecutorService scheduler,
      Duration startDelay) {
    return new EventTracker(processId, pool, graph, rootAppId, label, sink, scheduler, startDelay);
  }

  /** The app's creation, with its label in its job's tree when it is a child. */
  @Override
  public void onApplicationCreated(ApplicationInfo app) {
    appGraph = app.graph();
    TrackingEvent created =
        TrackingEvents.appCreated(app, graph, rootAppId, processId, System.currentTimeMillis());
    if (label != null && !label.isEmpty()) {
      created.setLabel(label);
    }
    sink.accept(created);
  }

  @Override
  public void beforeStep(StepStart s) {
    if (scheduler == null) {
      sink.accept(TrackingEvents.stepStarted(s, rootAppId, processId, pool));
      return;
    }
    synchronized (this) {
      unsentStart = s;
      startSending =
          scheduler.schedule(() -> sendStart(s), startDelay.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Sends {@code s} unless its step has ended meanwhile (the lock orders it before the end). */
  private synchronized void sendStart(StepStart s) {
    if (unsentStart == s) {
      unsentStart = null;
      sink.accept(TrackingEvents.stepStarted(s, rootAppId, processId, pool));
    }
  }

  @Override
  public void afterStep(StepEnd s) {
    StepStart unsent;
    synchronized (this) {
      unsent = unsentStart;
      unsentStart = null;
      if (startSending != null) {
        startSending.cancel(false);
        startSending = null;
      }
    }
    sink.accept(TrackingEvents.stepEnded(s, unsent, rootAppId, processId, pool));
  }

  @Override
  public void onSpawn(SpawnLink link) {
    sink.accept(TrackingEvents.spawned(link, rootAppId, processId, System.currentTimeMillis()));
  }

  @Override
  public void onApplicationEnded(ApplicationEnd end) {
    Graph known = appGraph;
    DeclaredInputs nextInputs =
        end.status() == ApplicationEnd.Status.HALTED && end.nextAction() != null && known != null
            ? DeclaredInputs.of(known, end.nextAction())
            : null;
    sink.accept(TrackingEvents.appEnded(end, rootAppId, processId, nextInputs));
  }
}
