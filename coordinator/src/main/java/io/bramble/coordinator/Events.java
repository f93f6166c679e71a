package io.bramble.coordinator;

import io.bramble.runtime.Records;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.TrackingEvent;
import java.util.Map;

/** Tracking events the coordinator publishes (fan-out, join progress, job done). */
final class Events {
  static final String PROCESS = "coordinator";

  private Events() {}

  static TrackingEvent of(
      String appId,
      EventKind kind,
      Long sequenceId,
      String action,
      Map<String, ?> payload,
      long nowMs) {
    return Records.event(appId, kind, sequenceId, action, null, null, payload, PROCESS, nowMs);
  }
}
