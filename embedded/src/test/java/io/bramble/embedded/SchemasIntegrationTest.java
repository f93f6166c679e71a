package io.bramble.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.registry.IncompatibleSchemaException;
import io.bramble.schemas.registry.SchemaNotFoundException;
import io.bramble.schemas.registry.SchemaRegistryClient;
import io.bramble.schemas.registry.SchemaRegistryException;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The schemas module's client and serdes against the embedded broker and registry. */
class SchemasIntegrationTest {

  @TempDir static Path dataDir;
  static EmbeddedKafka kafka;
  static EmbeddedSchemaRegistry registry;
  static SchemaRegistryClient client;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.builder().dataDir(dataDir).build().start();
    registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
    client = SchemaRegistryClient.builder(registry.url()).build();
  }

  @AfterAll
  static void stop() {
    if (registry != null) {
      registry.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void generatedMessagesRoundTripThroughTheBrokerInConfluentWireFormat() throws Exception {
    AvroSerde<Task> serde = BrambleSerdes.forType(Task.class, client);
    List<Task> tasks = List.of(Messages.task("child-1"), Messages.task("child-2"));

    Messages.produce(kafka.bootstrapServers(), "bramble.tasks", serde, tasks);

    // a fresh client, so nothing comes from the writer's cache
    AvroSerde<Task> reader =
        BrambleSerdes.forType(Task.class, SchemaRegistryClient.builder(registry.url()).build());
    assertThat(Messages.consume(kafka.bootstrapServers(), "bramble.tasks", reader, 2))
        .isEqualTo(tasks);
    byte[] framed = Messages.consumeRaw(kafka.bootstrapServers(), "bramble.tasks", 1).get(0);
    assertThat(framed[0]).isEqualTo((byte) 0);
    assertThat(Messages.schemaId(framed)).isEqualTo(client.latest("bramble.tasks-value").id());
    assertThat(client.getById(Messages.schemaId(framed))).isEqualTo(Task.getClassSchema());
  }

  @Test
  void theClientSeesIdsVersionsAndCompatibilityAsRegistered() {
    int id = client.register("client-value", JobRequest.getClassSchema());
    assertThat(client.register("client-value", JobRequest.getClassSchema())).isEqualTo(id);
    assertThat(client.versions("client-value")).containsExactly(1);
    assertThat(client.latest("client-value").id()).isEqualTo(id);
    assertThat(client.getCompatibility("client-value"))
        .as("falls back to the global level")
        .isEqualTo("BACKWARD");

    Schema v1 = new Schema.Parser().parse(Schemas.POEM_V1);
    Schema noDefault = new Schema.Parser().parse(Schemas.POEM_NO_DEFAULT);
    client.register("poem-value", v1);
    assertThat(client.isCompatible("poem-value", noDefault)).isFalse();
    assertThatThrownBy(() -> client.register("poem-value", noDefault))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("author");

    client.setCompatibility("poem-value", "NONE");
    assertThat(client.getCompatibility("poem-value")).isEqualTo("NONE");
    assertThat(client.register("poem-value", noDefault))
        .isNotEqualTo(client.latest("client-value").id());
    assertThat(client.getGlobalCompatibility()).isEqualTo("BACKWARD");
  }

  @Test
  void anUnknownIdIsASchemaNotFound() {
    assertThatThrownBy(() -> client.getById(424242))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> assertThat(((SchemaRegistryException) e).errorCode()).isEqualTo(40403));
  }
}
