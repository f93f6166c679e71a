package io.bramble.embedded;

import static io.bramble.embedded.Schemas.POEM_NO_DEFAULT;
import static io.bramble.embedded.Schemas.POEM_V1;
import static io.bramble.embedded.Schemas.POEM_V2;
import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.schemas.avro.Task;
import io.bramble.schemas.registry.SchemaRegistryClient;
import io.bramble.schemas.serde.BrambleSerdes;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryRestartTest {

  @TempDir Path dataDir;

  @Test
  void idsVersionsAndConfigSurviveARestartOfBrokerAndRegistry() {
    int poemV1;
    int poemV2;
    int other;
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).build().start();
        EmbeddedSchemaRegistry registry =
            EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0)) {
      RestClient rest = new RestClient(registry.url());
      poemV1 = rest.register("poems-value", POEM_V1).body().get("id").asInt();
      poemV2 = rest.register("poems-value", POEM_V2).body().get("id").asInt();
      other = rest.register("drafts-value", POEM_NO_DEFAULT).body().get("id").asInt();
      rest.put("/config/drafts-value", "{\"compatibility\":\"NONE\"}");
      rest.put("/config", "{\"compatibility\":\"FULL\"}");
    }

    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).build().start()) {
      long started = System.nanoTime();
      try (EmbeddedSchemaRegistry registry =
          EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0)) {
        System.out.printf(
            "embedded schema registry restart (replaying _schemas): %d ms%n",
            (System.nanoTime() - started) / 1_000_000);
        RestClient rest = new RestClient(registry.url());

        assertThat(rest.register("poems-value", POEM_V1).body().get("id").asInt())
            .isEqualTo(poemV1);
        assertThat(rest.register("poems-value", POEM_V2).body().get("id").asInt())
            .isEqualTo(poemV2);
        assertThat(rest.get("/subjects/poems-value/versions").body().toString()).isEqualTo("[1,2]");
        assertThat(rest.get("/subjects/drafts-value/versions/latest").body().get("id").asInt())
            .isEqualTo(other);
        assertThat(rest.get("/schemas/ids/" + poemV1).status()).isEqualTo(200);
        assertThat(rest.get("/config").body().get("compatibilityLevel").asText()).isEqualTo("FULL");
        assertThat(rest.get("/config/drafts-value").body().get("compatibilityLevel").asText())
            .isEqualTo("NONE");

        int next = rest.register("fresh-value", "{\"type\":\"string\"}").body().get("id").asInt();
        assertThat(next)
            .as("a new schema never re-uses an id")
            .isGreaterThan(Math.max(poemV2, other));
      }
    }
  }

  @Test
  void afterARestartOfBrokerAndRegistryOldRecordsStillDecodeUnderTheSameIds() throws Exception {
    List<Task> tasks = List.of(Messages.task("before-1"), Messages.task("before-2"));
    int id;
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).build().start();
        EmbeddedSchemaRegistry registry =
            EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0)) {
      SchemaRegistryClient client = SchemaRegistryClient.builder(registry.url()).build();
      Messages.produce(
          kafka.bootstrapServers(),
          "bramble.tasks",
          BrambleSerdes.forType(Task.class, client),
          tasks);
      id = client.latest("bramble.tasks-value").id();
    }

    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).build().start();
        EmbeddedSchemaRegistry registry =
            EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0)) {
      SchemaRegistryClient client = SchemaRegistryClient.builder(registry.url()).build();

      assertThat(
              Messages.consume(
                  kafka.bootstrapServers(),
                  "bramble.tasks",
                  BrambleSerdes.forType(Task.class, client),
                  2))
          .isEqualTo(tasks);
      assertThat(client.latest("bramble.tasks-value").id()).isEqualTo(id);
      assertThat(client.register("bramble.tasks-value", Task.getClassSchema())).isEqualTo(id);
      assertThat(client.versions("bramble.tasks-value")).containsExactly(1);
    }
  }
}
