package io.bramble.embedded;

import static io.bramble.embedded.Schemas.POEM_NO_DEFAULT;
import static io.bramble.embedded.Schemas.POEM_V1;
import static io.bramble.embedded.Schemas.POEM_V1_REFORMATTED;
import static io.bramble.embedded.Schemas.POEM_V2;
import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.embedded.RestClient.Response;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedSchemaRegistryTest {

  @TempDir static Path dataDir;
  static EmbeddedKafka kafka;
  static EmbeddedSchemaRegistry registry;
  static RestClient rest;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.builder().dataDir(dataDir).build().start();
    long started = System.nanoTime();
    registry = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
    System.out.printf(
        "embedded schema registry start (topic created, read to end): %d ms%n",
        (System.nanoTime() - started) / 1_000_000);
    rest = new RestClient(registry.url());
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
  void registeringTheSameSchemaAgainReturnsTheSameIdAndAddsNoVersion() {
    Response first = rest.register("idempotent-value", POEM_V1);
    Response again = rest.register("idempotent-value", POEM_V1);
    Response reformatted = rest.register("idempotent-value", POEM_V1_REFORMATTED);

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.contentType()).isEqualTo("application/vnd.schemaregistry.v1+json");
    int id = first.body().get("id").asInt();
    assertThat(again.body().get("id").asInt()).isEqualTo(id);
    assertThat(reformatted.body().get("id").asInt())
        .as("identity is the parsed schema, not its text")
        .isEqualTo(id);
    assertThat(rest.get("/subjects/idempotent-value/versions").body().toString()).isEqualTo("[1]");
  }

  @Test
  void idsAreGlobalAndAKnownSchemaKeepsItsIdUnderAnotherSubject() {
    int id = rest.register("global-a-value", POEM_V1).body().get("id").asInt();
    int sameSchemaElsewhere = rest.register("global-b-value", POEM_V1).body().get("id").asInt();
    int evolved = rest.register("global-a-value", POEM_V2).body().get("id").asInt();

    assertThat(sameSchemaElsewhere).isEqualTo(id);
    assertThat(evolved).isNotEqualTo(id);
    assertThat(rest.get("/schemas/ids/" + id + "/versions").body().toString())
        .contains(
            "{\"subject\":\"global-a-value\",\"version\":1}",
            "{\"subject\":\"global-b-value\",\"version\":1}");
    assertThat(rest.get("/subjects").body().toString())
        .contains("\"global-a-value\"", "\"global-b-value\"");
  }

  @Test
  void aVersionIsServedWithSubjectVersionIdAndSchema() {
    int v1 = rest.register("versions-value", POEM_V1).body().get("id").asInt();
    int v2 = rest.register("versions-value", POEM_V2).body().get("id").asInt();

    Response latest = rest.get("/subjects/versions-value/versions/latest");
    assertThat(latest.status()).isEqualTo(200);
    assertThat(latest.body().get("subject").asText()).isEqualTo("versions-value");
    assertThat(latest.body().get("version").asInt()).isEqualTo(2);
    assertThat(latest.body().get("id").asInt()).isEqualTo(v2);
    assertThat(new Schema.Parser().parse(latest.body().get("schema").asText()))
        .isEqualTo(new Schema.Parser().parse(POEM_V2));

    Response first = rest.get("/subjects/versions-value/versions/1");
    assertThat(first.body().get("id").asInt()).isEqualTo(v1);
    assertThat(rest.get("/schemas/ids/" + v1).body().get("schema").asText())
        .isEqualTo(new Schema.Parser().parse(POEM_V1).toString());

    Response lookup =
        rest.post("/subjects/versions-value", RestClient.schemaBody(POEM_V1_REFORMATTED));
    assertThat(lookup.body().get("version").asInt()).isEqualTo(1);
    assertThat(lookup.body().get("id").asInt()).isEqualTo(v1);
  }

  @Test
  void backwardCompatibilityRejectsAFieldWithoutDefaultWith409AndTheReason() {
    rest.register("backward-value", POEM_V1);

    Response refused = rest.register("backward-value", POEM_NO_DEFAULT);

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.errorCode()).isEqualTo(409);
    assertThat(refused.message())
        .startsWith(
            "Schema being registered is incompatible with an earlier schema for subject \"backward-value\"")
        .contains("READER_FIELD_MISSING_DEFAULT_VALUE", "author");
    assertThat(rest.get("/subjects/backward-value/versions").body().toString()).isEqualTo("[1]");
  }

  @Test
  void compatibilityCheckAnswersWithTheReasons() {
    rest.register("check-value", POEM_V1);

    Response incompatible =
        rest.post(
            "/compatibility/subjects/check-value/versions/latest",
            RestClient.schemaBody(POEM_NO_DEFAULT));
    Response compatible =
        rest.post("/compatibility/subjects/check-value/versions/1", RestClient.schemaBody(POEM_V2));

    assertThat(incompatible.body().get("is_compatible").asBoolean()).isFalse();
    assertThat(incompatible.body().get("messages").toString()).contains("author");
    assertThat(compatible.body().get("is_compatible").asBoolean()).isTrue();
    assertThat(
            rest.post(
                    "/compatibility/subjects/never-registered-value/versions/latest",
                    RestClient.schemaBody(POEM_V1))
                .body()
                .get("is_compatible")
                .asBoolean())
        .as("a new subject accepts any schema")
        .isTrue();
  }

  @Test
  void aSubjectsOwnCompatibilityLevelOverridesTheGlobalOne() {
    assertThat(rest.get("/config").body().toString())
        .isEqualTo("{\"compatibilityLevel\":\"BACKWARD\"}");
    rest.register("relaxed-value", POEM_V1);
    rest.register("strict-value", POEM_V1);

    Response put = rest.put("/config/relaxed-value", "{\"compatibility\":\"NONE\"}");

    assertThat(put.status()).isEqualTo(200);
    assertThat(put.body().toString()).isEqualTo("{\"compatibility\":\"NONE\"}");
    assertThat(rest.get("/config/relaxed-value").body().toString())
        .isEqualTo("{\"compatibilityLevel\":\"NONE\"}");
    assertThat(rest.get("/config/strict-value").errorCode())
        .as("no subject level")
        .isEqualTo(40408);
    assertThat(
            rest.get("/config/strict-value?defaultToGlobal=true")
                .body()
                .get("compatibilityLevel")
                .asText())
        .isEqualTo("BACKWARD");
    assertThat(rest.register("relaxed-value", POEM_NO_DEFAULT).status()).isEqualTo(200);
    assertThat(rest.register("strict-value", POEM_NO_DEFAULT).status()).isEqualTo(409);
  }

  @Test
  void theGlobalLevelAppliesToSubjectsWithoutTheirOwn() {
    rest.register("forward-value", POEM_V2);
    try {
      assertThat(rest.put("/config", "{\"compatibility\":\"FORWARD\"}").body().toString())
          .isEqualTo("{\"compatibility\":\"FORWARD\"}");
      // removing a field with a default is FORWARD compatible only when the old reader has a
      // default: v2 → v1 is fine
      assertThat(rest.register("forward-value", POEM_V1).status()).isEqualTo(200);
      // v1 readers cannot read data without "title"
      String noTitle =
          "{\"type\":\"record\",\"name\":\"Poem\",\"namespace\":\"test.poems\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}";
      assertThat(rest.register("forward-value", noTitle).status()).isEqualTo(409);
    } finally {
      rest.put("/config", "{\"compatibility\":\"BACKWARD\"}");
    }
    assertThat(rest.put("/config", "{\"compatibility\":\"SIDEWAYS\"}").errorCode())
        .isEqualTo(42203);
  }

  @Test
  void unknownIdsSubjectsAndVersionsAre404WithConfluentErrorCodes() {
    rest.register("known-value", POEM_V1);

    Response unknownId = rest.get("/schemas/ids/987654");
    assertThat(unknownId.status()).isEqualTo(404);
    assertThat(unknownId.errorCode()).isEqualTo(40403);
    assertThat(unknownId.message()).isEqualTo("Schema 987654 not found");

    Response unknownSubject = rest.get("/subjects/nobody-value/versions/latest");
    assertThat(unknownSubject.status()).isEqualTo(404);
    assertThat(unknownSubject.errorCode()).isEqualTo(40401);
    assertThat(unknownSubject.message()).isEqualTo("Subject 'nobody-value' not found.");

    assertThat(rest.get("/subjects/known-value/versions/7").errorCode()).isEqualTo(40402);
    assertThat(rest.post("/subjects/known-value", RestClient.schemaBody(POEM_V2)).errorCode())
        .isEqualTo(40403);
    assertThat(rest.get("/subjects/known-value/versions/zero").errorCode()).isEqualTo(42202);
  }

  @Test
  void anInvalidOrNonAvroSchemaIs422() {
    Response invalid =
        rest.register("invalid-value", "{\"type\":\"record\",\"name\":\"NoFields\"}");
    assertThat(invalid.status()).isEqualTo(422);
    assertThat(invalid.errorCode()).isEqualTo(42201);

    Response protobuf =
        rest.post(
            "/subjects/invalid-value/versions",
            "{\"schemaType\":\"PROTOBUF\",\"schema\":\"syntax = \\\"proto3\\\";\"}");
    assertThat(protobuf.status()).isEqualTo(422);
    assertThat(rest.get("/subjects/invalid-value/versions").errorCode()).isEqualTo(40401);
  }

  @Test
  void withBasicAuthConfiguredOnlyTheRightCredentialsGetIn() {
    try (EmbeddedSchemaRegistry guarded =
        EmbeddedSchemaRegistry.builder(kafka.bootstrapServers())
            .basicAuth("bramble", "s3cret")
            .start()) {
      assertThat(new RestClient(guarded.url()).get("/subjects").status()).isEqualTo(401);
      assertThat(new RestClient(guarded.url(), "bramble:wrong").get("/subjects").status())
          .isEqualTo(401);
      Response ok = new RestClient(guarded.url(), "bramble:s3cret").get("/subjects");
      assertThat(ok.status()).isEqualTo(200);
      assertThat(ok.body().isArray()).isTrue();
    }
  }
}
