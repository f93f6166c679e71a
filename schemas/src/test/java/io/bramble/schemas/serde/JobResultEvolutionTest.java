package io.bramble.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.schemas.avro.ErrorInfo;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.StateData;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * JobResult before halts (test resource {@code evolution/JobResult-v1.avsc}) and now: HALTED, the
 * next action and the waiting apps added with defaults. CANCELLED came later ({@code
 * evolution/JobResult-v2.avsc} is the schema before it): a reader that does not know it reads
 * FAILED, the enum's default. A result written before reads with the new fields defaulted, and the
 * registry takes the new schema as a BACKWARD compatible version.
 */
class JobResultEvolutionTest {
  private static final String TOPIC = "bramble.job-results";
  private static Schema v1;

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  @BeforeAll
  static void loadV1() throws IOException {
    try (InputStream in =
        JobResultEvolutionTest.class.getResourceAsStream("/evolution/JobResult-v1.avsc")) {
      // It names StateData and ErrorInfo, which did not change.
      Schema.Parser parser = new Schema.Parser();
      parser.addTypes(List.of(StateData.getClassSchema(), ErrorInfo.getClassSchema()));
      v1 = parser.parse(in);
    }
  }

  private static GenericRecord v1Result() {
    GenericRecord r = new GenericData.Record(v1);
    r.put("appId", "job-1");
    r.put("graph", "poems");
    r.put("status", new GenericData.EnumSymbol(v1.getField("status").schema(), "COMPLETED"));
    r.put("state", null);
    r.put("error", null);
    r.put("submittedAtMs", 5L);
    r.put("finishedAtMs", 9L);
    r.put("steps", 3L);
    return r;
  }

  @Test
  void aResultWrittenBeforeHaltsReadsWithTheNewFieldsDefaulted() {
    byte[] bytes = AvroSerde.generic(v1, registry).serialize(TOPIC, v1Result());

    JobResult read = BrambleSerdes.forType(JobResult.class, registry).deserialize(TOPIC, bytes);

    assertThat(read.getStatus()).isEqualTo(JobStatus.COMPLETED);
    assertThat(read.getNextAction()).isNull();
    assertThat(read.getWaiting()).isEmpty();
    assertThat(read.getSteps()).isEqualTo(3L);
  }

  @Test
  void theRegistryTakesTheHaltedSchemaAsANewCompatibleVersion() {
    AvroSerde.generic(v1, registry).serialize(TOPIC, v1Result());

    assertThat(registry.isCompatible(TOPIC + "-value", JobResult.getClassSchema())).isTrue();
    BrambleSerdes.forType(JobResult.class, registry)
        .serialize(
            TOPIC,
            JobResult.newBuilder()
                .setAppId("job-2")
                .setGraph("poems")
                .setStatus(JobStatus.HALTED)
                .setNextAction("approve")
                .build());
    assertThat(registry.versions(TOPIC + "-value")).containsExactly(1, 2);
  }

  @Test
  void aReaderOfTheSchemaBeforeCancelReadsACancelledResultAsFailed() throws IOException {
    Schema v2;
    try (InputStream in =
        JobResultEvolutionTest.class.getResourceAsStream("/evolution/JobResult-v2.avsc")) {
      Schema.Parser parser = new Schema.Parser();
      parser.addTypes(List.of(StateData.getClassSchema(), ErrorInfo.getClassSchema()));
      v2 = parser.parse(in);
    }
    JobResult cancelled =
        JobResult.newBuilder()
            .setAppId("job-3")
            .setGraph("poems")
            .setStatus(JobStatus.CANCELLED)
            .build();
    byte[] bytes = BrambleSerdes.forType(JobResult.class, registry).serialize(TOPIC, cancelled);

    GenericRecord read = AvroSerde.generic(v2, registry).deserialize(TOPIC, bytes);

    assertThat(read.get("status").toString()).isEqualTo("FAILED");
    assertThat(read.get("appId").toString()).isEqualTo("job-3");
  }
}
