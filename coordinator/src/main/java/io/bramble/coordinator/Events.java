package io.bramble.coordinator;

import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.TrackingEvent;
import java.util.Map;

/** Tracking events the coordinator publishes (fan-out, join progress, job done). */
final class Events {
  private Events() {}

  static TrackingEvent of(String appId, EventKind kind, Long sequenceId, String action, Map<String, ?> payload) {
    return TrackingEvent.newBuilder()
        .setAppId(appId)
        .setKind(kind)
        .setSequenceId(sequenceId)
        .setAction(action)
        .setParentAppId(null)
        .setParentSequenceId(null)
        .setPayload(StateCodec.fromMap(payload))
        .setTimestampMs(System.currentTimeMillis())
        .setWorkerId("coordinator")
        .build();
  }
}
