package io.bramble.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.schemas.Samples;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.schemas.registry.IncompatibleSchemaException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Task version 2 (test resource {@code evolution/Task-v2.avsc}) adds two optional fields with
 * defaults, {@code priority} (int, default 5) and {@code labels} (array, default []). Both
 * directions must decode through the serde and the wire format, and the registry must accept v2
 * under BACKWARD.
 */
class SchemaEvolutionTest {

  private static final String TOPIC = "bramble.tasks";
  private static Schema v2;

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  private final AvroSerde<Task> v1Serde = BrambleSerdes.forType(Task.class, registry);
  private final AvroSerde<GenericRecord> v2Serde = AvroSerde.generic(v2, registry);

  @BeforeAll
  static void loadV2() throws IOException {
    try (InputStream in =
        SchemaEvolutionTest.class.getResourceAsStream("/evolution/Task-v2.avsc")) {
      v2 = new Schema.Parser().parse(in);
    }
  }

  /** A v2 record with the sample task's values plus the new fields. */
  private static GenericRecord v2Task(int priority, List<String> labels) {
    Task v1 = Samples.task();
    GenericRecord record = new GenericData.Record(v2);
    // copy every v1 field through its generic form (same names, same types)
    GenericRecord v1Generic = (GenericRecord) GenericData.get().deepCopy(Task.getClassSchema(), v1);
    for (Schema.Field f : Task.getClassSchema().getFields()) {
      record.put(f.name(), SpecificData.get().deepCopy(f.schema(), v1Generic.get(f.name())));
    }
    record.put("priority", priority);
    record.put("labels", labels);
    return record;
  }

  @Test
  void aV1ReaderReadsAV2RecordIgnoringTheNewFields() {
    byte[] bytes = v2Serde.serialize(TOPIC, v2Task(9, List.of("urgent")));

    int v2Id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    assertThat(registry.getById(v2Id)).isEqualTo(v2);
    Task read = v1Serde.deserialize(TOPIC, bytes);

    assertThat(read).isEqualTo(Samples.task());
    assertThat(StateCodec.toState(read.getState())).isEqualTo(Samples.STATE);
  }

  @Test
  void aV2ReaderReadsAV1RecordWithTheNewFieldsDefaulted() {
    byte[] bytes = v1Serde.serialize(TOPIC, Samples.task());

    GenericRecord read = v2Serde.deserialize(TOPIC, bytes);

    assertThat(read.get("priority")).isEqualTo(5);
    assertThat((List<?>) read.get("labels")).isEmpty();
    assertThat(read.get("appId").toString()).isEqualTo("poems-1-child-1");
    assertThat(read.get("attempt")).isEqualTo(0);
  }

  @Test
  void theRegistryAcceptsV2AsABackwardCompatibleNewVersionOfTheSubject() {
    v1Serde.serialize(TOPIC, Samples.task());
    v2Serde.serialize(TOPIC, v2Task(1, List.of()));

    assertThat(registry.versions("bramble.tasks-value")).containsExactly(1, 2);
    assertThat(registry.latest("bramble.tasks-value").schema()).isEqualTo(v2);
    assertThat(registry.isCompatible("bramble.tasks-value", Task.getClassSchema())).isTrue();
  }

  @Test
  void aNewRequiredFieldWithoutADefaultIsRefusedUnderBackwardCompatibility() {
    v1Serde.serialize(TOPIC, Samples.task());
    Schema breaking =
        SchemaBuilder.record("Task")
            .namespace("io.bramble.schemas.avro")
            .fields()
            .requiredString("taskId")
            .requiredString("mustHave")
            .endRecord();

    assertThatThrownBy(
            () ->
                AvroSerde.generic(breaking, registry)
                    .serialize(TOPIC, new GenericData.Record(breaking)))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("bramble.tasks-value")
        .hasMessageContaining("mustHave");
  }
}
