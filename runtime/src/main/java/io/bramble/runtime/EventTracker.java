package io.bramble.runtime;

import io.bramble.core.state.StateValues;
import io.bramble.core.tracking.ApplicationInfo;
import io.bramble.core.tracking.SpawnLink;
import io.bramble.core.tracking.StepEnd;
import io.bramble.core.tracking.StepStart;
import io.bramble.core.tracking.Tracker;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.TrackingEvent;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A tracker that turns what an application does into events for the events topic: app created, step
 * start and end (inputs, result, state, error, timings, the process that ran it) and spawn links;
 * the same information the local file tracker writes, for the UI and {@code bramble watch}. Workers
 * send the events as they come; the coordinator collects them and forwards them in its transaction.
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
    Map<String, Object> payload = base();
    payload.put("graph", graph);
    payload.put("entrypoint", app.entrypoint());
    payload.put("partition_key", app.partitionKey());
    payload.put("mermaid", app.graph().toMermaid());
    publish(
        app.appId(),
        EventKind.APP_CREATED,
        null,
        null,
        app.parent() == null ? null : app.parent().appId(),
        app.parent() == null ? null : app.parent().sequenceId(),
        payload);
  }

  @Override
  public void beforeStep(StepStart s) {
    Map<String, Object> payload = base();
    payload.put("inputs", jsonLike(s.inputs()));
    payload.put("started_at_ms", s.startedAtMs());
    publish(s.appId(), EventKind.STEP_START, s.sequenceId(), s.action(), null, null, payload);
  }

  @Override
  public void afterStep(StepEnd s) {
    Map<String, Object> payload = base();
    payload.put("result", s.result() == null ? null : jsonLike(s.result()));
    payload.put("state", s.state() == null ? null : s.state().asMap());
    payload.put("started_at_ms", s.startedAtMs());
    payload.put("ended_at_ms", s.endedAtMs());
    if (s.error() != null) {
      StringWriter trace = new StringWriter();
      s.error().printStackTrace(new PrintWriter(trace));
      payload.put("error", s.error().getMessage());
      payload.put("stack_trace", trace.toString());
    }
    publish(s.appId(), EventKind.STEP_END, s.sequenceId(), s.action(), null, null, payload);
  }

  @Override
  public void onSpawn(SpawnLink link) {
    Map<String, Object> payload = base();
    payload.put("child_app_id", link.childAppId());
    payload.put("child_index", (long) link.childIndex());
    publish(
        link.parentAppId(),
        EventKind.SPAWN,
        link.parentSequenceId(),
        link.parentAction(),
        null,
        null,
        payload);
  }

  private Map<String, Object> base() {
    Map<String, Object> payload = new LinkedHashMap<>();
    payload.put("root_app_id", rootAppId);
    return payload;
  }

  /** Values a step handed around; anything that is not state-like is shown as text. */
  private static Map<String, Object> jsonLike(Map<String, ?> values) {
    Map<String, Object> m = new LinkedHashMap<>();
    values.forEach(
        (k, v) -> {
          try {
            m.put(k, StateValues.normalize(k, v));
          } catch (RuntimeException notStateLike) {
            m.put(k, String.valueOf(v));
          }
        });
    return m;
  }

  private void publish(
      String appId,
      EventKind kind,
      Long seq,
      String action,
      String parentAppId,
      Long parentSeq,
      Map<String, Object> payload) {
    sink.accept(
        Records.event(
            appId,
            kind,
            seq,
            action,
            parentAppId,
            parentSeq,
            payload,
            processId,
            System.currentTimeMillis()));
  }
}
