package io.bramble.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.registry.IncompatibleSchemaException;
import io.bramble.schemas.registry.SchemaNotFoundException;
import io.bramble.schemas.registry.SchemaRegistryClient;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bramble's client and serdes against a real Apicurio Registry, through its Confluent API {@code
 * /apis/ccompat/v7}.
 */
class ApicurioCompatibilityTest {

  @TempDir static Path dataDir;
  static ApicurioRegistry apicurio;
  static SchemaRegistryClient client;
  static RestClient rest;

  static final String UNAVAILABLE = ApicurioRegistry.unavailableReason();

  @BeforeAll
  static void start() {
    if (UNAVAILABLE != null) {
      System.out.println(UNAVAILABLE);
      return;
    }
    apicurio = ApicurioRegistry.start();
    client = SchemaRegistryClient.builder(apicurio.ccompatUrl()).build();
    rest = new RestClient(apicurio.ccompatUrl());
  }

  @BeforeEach
  void requireApicurio() {
    assumeTrue(UNAVAILABLE == null, UNAVAILABLE);
  }

  @AfterAll
  static void stop() {
    if (apicurio != null) {
      apicurio.close();
    }
  }

  @Test
  void registerIsIdempotentAndTheSchemaComesBackByIdAndAsLatest() {
    int id = client.register("apicurio-jobs-value", JobRequest.getClassSchema());

    assertThat(client.register("apicurio-jobs-value", JobRequest.getClassSchema())).isEqualTo(id);
    // a fresh client, so nothing comes from the cache
    SchemaRegistryClient fresh = SchemaRegistryClient.builder(apicurio.ccompatUrl()).build();
    assertThat(fresh.getById(id)).isEqualTo(JobRequest.getClassSchema());
    assertThat(fresh.latest("apicurio-jobs-value").id()).isEqualTo(id);
    assertThat(fresh.latest("apicurio-jobs-value").version()).isEqualTo(1);
    assertThat(fresh.versions("apicurio-jobs-value")).containsExactly(1);
  }

  @Test
  void backwardCompatibilityRefusesAnIncompatibleSchemaWith409() {
    Schema v1 = new Schema.Parser().parse(Schemas.POEM_V1);
    Schema v2 = new Schema.Parser().parse(Schemas.POEM_V2);
    Schema noDefault = new Schema.Parser().parse(Schemas.POEM_NO_DEFAULT);
    client.register("apicurio-poems-value", v1);
    // Apicurio's global default is NONE (Confluent's is BACKWARD): set the level explicitly
    client.setCompatibility("apicurio-poems-value", "BACKWARD");
    assertThat(client.getCompatibility("apicurio-poems-value")).isEqualTo("BACKWARD");

    assertThat(client.isCompatible("apicurio-poems-value", noDefault)).isFalse();
    assertThat(client.isCompatible("apicurio-poems-value", v2)).isTrue();
    assertThatThrownBy(() -> client.register("apicurio-poems-value", noDefault))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class, e -> assertThat(e.httpStatus()).isEqualTo(409));
    client.register("apicurio-poems-value", v2);
    assertThat(client.versions("apicurio-poems-value")).containsExactly(1, 2);
  }

  @Test
  void unknownIdsAndSubjectsAre404WithConfluentErrorCodes() {
    assertThat(rest.get("/schemas/ids/987654").errorCode()).isEqualTo(40403);
    assertThat(rest.get("/subjects/nobody-value/versions/latest").errorCode()).isEqualTo(40401);
    assertThatThrownBy(() -> client.getById(987654)).isInstanceOf(SchemaNotFoundException.class);
  }

  @Test
  void recordsRoundTripThroughTheEmbeddedBrokerWithApicurioAsTheRegistry() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).build().start()) {
      AvroSerde<Task> writer = BrambleSerdes.forType(Task.class, client);
      List<Task> tasks = List.of(Messages.task("a-1"), Messages.task("a-2"));

      Messages.produce(kafka.bootstrapServers(), "bramble.tasks", writer, tasks);

      AvroSerde<Task> reader =
          BrambleSerdes.forType(
              Task.class, SchemaRegistryClient.builder(apicurio.ccompatUrl()).build());
      assertThat(Messages.consume(kafka.bootstrapServers(), "bramble.tasks", reader, 2))
          .isEqualTo(tasks);
      byte[] framed = Messages.consumeRaw(kafka.bootstrapServers(), "bramble.tasks", 1).get(0);
      assertThat(Messages.schemaId(framed)).isEqualTo(client.latest("bramble.tasks-value").id());
    }
  }
}
