package io.bramble.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.ErrorInfo;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.ModelCall;
import io.bramble.schemas.avro.StateData;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The events subject moved from version 1 (free-form payload) to version 2 (typed fields per kind)
 * BACKWARD compatibly: version 2 reads what version 1 wrote, and a registry enforcing BACKWARD
 * accepts version 2 after version 1 (test resource {@code evolution/TrackingEvent-v1.avsc}).
 */
class TrackingEventEvolutionTest {
  private static final String TOPIC = "bramble.events";
  private static Schema v1;

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final AvroSerde<GenericRecord> v1Serde = AvroSerde.generic(v1, registry);
  private final AvroSerde<TrackingEvent> v2Serde =
      BrambleSerdes.forType(TrackingEvent.class, registry);

  @BeforeAll
  static void loadV1() throws IOException {
    Schema.Parser parser = new Schema.Parser();
    parser.parse(StateData.getClassSchema().toString()); // the type version 1 refers to by name
    try (InputStream in =
        TrackingEventEvolutionTest.class.getResourceAsStream("/evolution/TrackingEvent-v1.avsc")) {
      v1 = parser.parse(in);
    }
  }

  private static GenericRecord v1Event() {
    GenericRecord e = new GenericData.Record(v1);
    e.put("appId", "job-1");
    e.put("kind", new GenericData.EnumSymbol(v1.getField("kind").schema(), "JOIN_PROGRESS"));
    e.put("sequenceId", 3L);
    e.put("action", "fan");
    e.put("payload", StateCodec.fromMap(Map.of("done", 2L, "total", 5L, "root_app_id", "job-1")));
    e.put("timestampMs", 42L);
    return e;
  }

  @Test
  void version2ReadsAVersion1EventWithTheTypedFieldsAtTheirDefaults() {
    TrackingEvent read = v2Serde.deserialize(TOPIC, v1Serde.serialize(TOPIC, v1Event()));

    assertThat(read.getKind()).isEqualTo(EventKind.JOIN_PROGRESS);
    assertThat(read.getAppId()).isEqualTo("job-1");
    assertThat(read.getSequenceId()).isEqualTo(3L);
    assertThat(read.getDone()).isNull();
    assertThat(read.getRootAppId()).isNull();
    assertThat(read.getChildAppIds()).isEmpty();
    assertThat(StateCodec.toMap(read.getPayload())).containsEntry("done", 2L);
  }

  @Test
  void aBackwardRegistryAcceptsVersion2AfterVersion1() {
    v1Serde.serialize(TOPIC, v1Event());
    v2Serde.serialize(
        TOPIC,
        TrackingEvent.newBuilder()
            .setAppId("job-1")
            .setKind(EventKind.APP_ENDED)
            .setPayload(StateCodec.fromMap(Map.of()))
            .build());

    assertThat(registry.versions("bramble.events-value")).containsExactly(1, 2);
  }

  /**
   * Version 5 (a step's model calls, a halted app's next inputs) after version 4, the last before
   * it (test resource {@code evolution/TrackingEvent-v4.avsc}): it reads a version 4 event with the
   * new fields at their defaults, and a BACKWARD registry takes it.
   */
  @Test
  void version5ReadsAVersion4EventAndABackwardRegistryAcceptsIt() throws IOException {
    Schema.Parser parser = new Schema.Parser();
    parser.parse(StateData.getClassSchema().toString());
    parser.parse(ErrorInfo.getClassSchema().toString());
    Schema v4;
    try (InputStream in =
        TrackingEventEvolutionTest.class.getResourceAsStream("/evolution/TrackingEvent-v4.avsc")) {
      v4 = parser.parse(in);
    }
    GenericRecord halted = new GenericData.Record(v4);
    halted.put("appId", "child-1");
    halted.put("kind", new GenericData.EnumSymbol(v4.getField("kind").schema(), "APP_ENDED"));
    halted.put("payload", StateCodec.fromMap(Map.of()));
    halted.put("timestampMs", 42L);
    halted.put("nextAction", "approve");
    halted.put("childAppIds", List.of());
    halted.put("duplicateSubmission", false);
    halted.put("reduced", false);
    AvroSerde<GenericRecord> v4Serde = AvroSerde.generic(v4, registry);

    TrackingEvent read = v2Serde.deserialize(TOPIC, v4Serde.serialize(TOPIC, halted));
    assertThat(read.getNextAction()).isEqualTo("approve");
    assertThat(read.getNextInputs()).isNull();
    assertThat(read.getModelCalls()).isEmpty();

    v2Serde.serialize(
        TOPIC,
        TrackingEvent.newBuilder()
            .setAppId("job-1")
            .setKind(EventKind.STEP_END)
            .setPayload(StateCodec.fromMap(Map.of()))
            .setModelCalls(List.of(new ModelCall("m", 1L, 2L, 3L)))
            .build());
    assertThat(registry.versions("bramble.events-value")).containsExactly(1, 2);
  }
}
