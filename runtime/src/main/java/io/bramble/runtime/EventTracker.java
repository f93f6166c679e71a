package io.bramble.runtime;

import io.bramble.core.tracking.ApplicationEnd;
import io.bramble.core.tracking.ApplicationInfo;
import io.bramble.core.tracking.SpawnLink;
import io.bramble.core.tracking.StepEnd;
import io.bramble.core.tracking.StepStart;
import io.bramble.core.tracking.Tracker;
import io.bramble.schemas.avro.TrackingEvent;
import java.util.function.Consumer;

/**
 * The tracking model as events for the events topic (see {@link TrackingEvents}): the same facts
 * the local file tracker writes, for the UI and {@code bramble watch}. Workers send the events as
 * they come; the coordinator collects them and forwards them in its transaction.
 */
public final class EventTracker implements Tracker {
  private final String processId;
  private final String graph;
  private final String rootAppId;
  private final Consumer<TrackingEvent> sink;

  public EventTracker(
      String processId, String graph, String rootAppId, Consumer<TrackingEvent> sink) {
    this.processId = processId;
    this.graph = graph;
    this.rootAppId = rootAppId;
    this.sink = sink;
  }

  @Override
  public void onApplicationCreated(ApplicationInfo app) {
    sink.accept(
        TrackingEvents.appCreated(app, graph, rootAppId, processId, System.currentTimeMillis()));
  }

  @Override
  public void beforeStep(StepStart s) {
    sink.accept(TrackingEvents.stepStarted(s, rootAppId, processId));
  }

  @Override
  public void afterStep(StepEnd s) {
    sink.accept(TrackingEvents.stepEnded(s, rootAppId, processId));
  }

  @Override
  public void onSpawn(SpawnLink link) {
    sink.accept(TrackingEvents.spawned(link, rootAppId, processId, System.currentTimeMillis()));
  }

  @Override
  public void onApplicationEnded(ApplicationEnd end) {
    sink.accept(TrackingEvents.appEnded(end, rootAppId, processId));
  }
}
