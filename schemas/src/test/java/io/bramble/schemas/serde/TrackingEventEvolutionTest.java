package io.bramble.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.StateData;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import java.io.IOException;
import java.io.InputStream;
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
}
