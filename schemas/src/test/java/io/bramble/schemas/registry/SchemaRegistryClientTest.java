package io.bramble.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.bramble.schemas.Samples;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.registry.StubHttpRegistry.Response;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SchemaRegistryClientTest {

  private static final Schema SCHEMA = Task.getClassSchema();
  private static final String SUBJECT = "bramble.tasks-value";

  private StubHttpRegistry stub;
  private SchemaRegistryClient client;

  @BeforeEach
  void start() throws IOException {
    stub = new StubHttpRegistry();
    client = fastClient(stub.url()).build();
  }

  @AfterEach
  void stop() {
    stub.close();
  }

  private static SchemaRegistryClient.Builder fastClient(String url) {
    return SchemaRegistryClient.builder(url)
        .maxRetries(2)
        .backoff(Duration.ofMillis(10), Duration.ofMillis(50))
        .connectTimeout(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(2));
  }

  @Test
  void registerPostsTheSchemaUnderTheBaseUrlsPathPrefixWithTheRegistryContentType() {
    stub.answer(r -> Response.ok("{\"id\":7}"));

    assertThat(client.register(SUBJECT, SCHEMA)).isEqualTo(7);

    StubHttpRegistry.Request request = stub.requests.get(0);
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo("/apis/ccompat/v7/subjects/bramble.tasks-value/versions");
    assertThat(request.header("Content-Type")).isEqualTo("application/vnd.schemaregistry.v1+json");
    assertThat(new Schema.Parser().parse(request.json().get("schema").asText())).isEqualTo(SCHEMA);
  }

  @Test
  void inSteadyStateRegisterAndGetByIdMakeNoHttpCalls() {
    stub.answer(r -> Response.ok("{\"id\":7}"));
    for (int i = 0; i < 5; i++) {
      client.register(SUBJECT, SCHEMA);
    }
    assertThat(client.getById(7)).isEqualTo(SCHEMA);
    assertThat(stub.requests).hasSize(1);
  }

  @Test
  void getByIdAsksOnceThenCaches() {
    stub.answer(r -> Response.ok("{\"schema\":" + jsonString(SCHEMA.toString()) + "}"));
    assertThat(client.getById(3)).isEqualTo(SCHEMA);
    assertThat(client.getById(3)).isEqualTo(SCHEMA);
    assertThat(stub.requests).hasSize(1);
    assertThat(stub.requests.get(0).path()).isEqualTo("/apis/ccompat/v7/schemas/ids/3");
  }

  @Test
  void anUnknownIdIsSchemaNotFoundCarryingTheRegistrysMessage() {
    stub.answer(r -> Response.error(404, 40403, "Schema 99 not found"));
    assertThatThrownBy(() -> client.getById(99))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> {
              assertThat(e.errorCode()).isEqualTo(40403);
              assertThat(e.httpStatus()).isEqualTo(404);
            })
        .hasMessageContaining("Schema 99 not found")
        .hasMessageContaining("schema id 99");
  }

  @Test
  void anUnknownSubjectIsSchemaNotFound() {
    stub.answer(r -> Response.error(404, 40401, "Subject 'nope-value' not found."));
    assertThatThrownBy(() -> client.latest("nope-value"))
        .isInstanceOf(SchemaNotFoundException.class)
        .hasMessageContaining("nope-value");
    assertThatThrownBy(() -> client.versions("nope-value"))
        .isInstanceOf(SchemaNotFoundException.class);
  }

  @Test
  void anIncompatibleSchemaNamesTheSubjectAndIncludesTheRegistrysMessage() {
    stub.answer(
        r ->
            Response.error(
                409,
                409,
                "Schema being registered is incompatible with an earlier schema;"
                    + " READER_FIELD_MISSING_DEFAULT_VALUE mustHave"));
    assertThatThrownBy(() -> client.register(SUBJECT, SCHEMA))
        .isInstanceOfSatisfying(
            IncompatibleSchemaException.class, e -> assertThat(e.subject()).isEqualTo(SUBJECT))
        .hasMessageContaining("bramble.tasks-value")
        .hasMessageContaining("READER_FIELD_MISSING_DEFAULT_VALUE mustHave");
    assertThat(stub.requests).as("a 409 is not retried").hasSize(1);
  }

  @Test
  void anInvalidSchemaIs422() {
    stub.answer(r -> Response.error(422, 42201, "Invalid schema"));
    assertThatThrownBy(() -> client.register(SUBJECT, SCHEMA))
        .isInstanceOfSatisfying(
            InvalidSchemaException.class, e -> assertThat(e.errorCode()).isEqualTo(42201))
        .hasMessageContaining("Invalid schema");
  }

  @Test
  void serverErrorsAreRetriedUntilTheRegistryAnswers() {
    AtomicInteger calls = new AtomicInteger();
    stub.answer(
        r ->
            calls.incrementAndGet() <= 2
                ? Response.error(503, 50003, "busy")
                : Response.ok("{\"id\":4}"));
    assertThat(client.register(SUBJECT, SCHEMA)).isEqualTo(4);
    assertThat(stub.requests).hasSize(3);
  }

  @Test
  void aServerErrorThatPersistsFailsAfterTheRetriesWithItsStatus() {
    stub.answer(r -> Response.error(500, 50001, "Error in the backend data store"));
    assertThatThrownBy(() -> client.getById(1))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class,
            e -> {
              assertThat(e.httpStatus()).isEqualTo(500);
              assertThat(e.errorCode()).isEqualTo(50001);
            })
        .hasMessageContaining("Error in the backend data store");
    assertThat(stub.requests).hasSize(3); // 1 + maxRetries(2)
  }

  @Test
  void clientErrorsAreNotRetried() {
    stub.answer(r -> Response.error(401, 401, "Unauthorized"));
    assertThatThrownBy(() -> client.getById(1))
        .isExactlyInstanceOf(SchemaRegistryException.class)
        .hasMessageContaining("HTTP 401");
    assertThat(stub.requests).hasSize(1);
  }

  @Test
  void anUnreachableRegistryIsReportedWithItsUrlAfterRetries() throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String url = "http://127.0.0.1:" + port + "/apis/ccompat/v7";
    SchemaRegistryClient dead = fastClient(url).build();
    assertThatThrownBy(() -> dead.register(SUBJECT, SCHEMA))
        .isInstanceOfSatisfying(
            RegistryUnreachableException.class,
            e -> assertThat(e.url()).isEqualTo(url + "/subjects/bramble.tasks-value/versions"))
        .hasMessageContaining("unreachable at " + url)
        .hasMessageContaining("tried 3 times");
  }

  @Test
  void aRegistryThatDoesNotAnswerInTimeIsUnreachable() {
    stub.answer(
        r -> {
          try {
            Thread.sleep(1_000);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return Response.ok("{\"id\":1}");
        });
    SchemaRegistryClient impatient =
        fastClient(stub.url()).requestTimeout(Duration.ofMillis(150)).maxRetries(1).build();
    // The stub answers after 1 s; a timeout is the only way to fail before that.
    assertThatThrownBy(() -> impatient.register(SUBJECT, SCHEMA))
        .isInstanceOf(RegistryUnreachableException.class)
        .hasMessageContaining("HttpTimeoutException");
  }

  @Test
  void basicAuthCredentialsAreSentOnEveryRequest() {
    stub.answer(r -> Response.ok("{\"id\":1}"));
    SchemaRegistryClient authed =
        SchemaRegistryClient.fromConfig(
            Map.of(
                "schema.registry.url", stub.url() + "/", "basic.auth.user.info", "bramble:s3cret"));
    authed.register(SUBJECT, SCHEMA);
    String expected =
        "Basic "
            + Base64.getEncoder().encodeToString("bramble:s3cret".getBytes(StandardCharsets.UTF_8));
    assertThat(stub.requests.get(0).header("Authorization")).isEqualTo(expected);
    assertThat(stub.requests.get(0).path()).startsWith("/apis/ccompat/v7/subjects/");
  }

  @Test
  void aNewSubjectIsCompatibleWithAnything() {
    stub.answer(r -> Response.error(404, 40401, "Subject 'new-value' not found."));
    assertThat(client.isCompatible("new-value", SCHEMA)).isTrue();
    assertThat(stub.requests.get(0).path())
        .isEqualTo("/apis/ccompat/v7/compatibility/subjects/new-value/versions/latest");
  }

  @Test
  void isCompatibleReportsTheRegistrysVerdict() {
    stub.answer(r -> Response.ok("{\"is_compatible\":false}"));
    assertThat(client.isCompatible(SUBJECT, SCHEMA)).isFalse();
  }

  @Test
  void aSubjectWithoutItsOwnLevelFallsBackToTheGlobalLevel() {
    stub.answer(
        r ->
            r.path().equals("/config")
                ? Response.ok("{\"compatibilityLevel\":\"FULL\"}")
                : Response.error(
                    404,
                    40408,
                    "Subject 'x' does not have subject-level compatibility configured"));
    assertThat(client.getCompatibility(SUBJECT)).isEqualTo("FULL");
    assertThat(stub.requests)
        .extracting(StubHttpRegistry.Request::path)
        .containsExactly("/apis/ccompat/v7/config/bramble.tasks-value", "/apis/ccompat/v7/config");
  }

  @Test
  void setCompatibilityPutsTheLevel() {
    stub.answer(r -> Response.ok("{\"compatibility\":\"NONE\"}"));
    client.setCompatibility(SUBJECT, "NONE");
    assertThat(stub.requests.get(0).method()).isEqualTo("PUT");
    assertThat(stub.requests.get(0).json().get("compatibility").asText()).isEqualTo("NONE");
  }

  @Test
  void subjectsAreEscapedInPaths() {
    stub.answer(r -> Response.ok("[1]"));
    client.versions("odd subject/with?chars");
    assertThat(stub.requests.get(0).path())
        .isEqualTo("/apis/ccompat/v7/subjects/odd%20subject%2Fwith%3Fchars/versions");
  }

  // ---- against a registry that behaves like one ------------------------------------------

  @Test
  void theClientSpeaksTheProtocolEndToEndAndTheSerdeWorksOverHttp() {
    InMemorySchemaRegistry backend = new InMemorySchemaRegistry();
    stub.actLike(backend);

    AvroSerde<Task> producerSide = BrambleSerdes.forType(Task.class, client);
    byte[] bytes = producerSide.serialize("bramble.tasks", Samples.task());
    SchemaRegistryClient consumerClient = fastClient(stub.url()).build();
    Task read =
        BrambleSerdes.forType(Task.class, consumerClient).deserialize("bramble.tasks", bytes);

    assertThat(read).isEqualTo(Samples.task());
    SchemaVersion latest = client.latest(SUBJECT);
    assertThat(latest.version()).isEqualTo(1);
    assertThat(latest.schema()).isEqualTo(SCHEMA);
    assertThat(client.versions(SUBJECT)).containsExactly(1);
    assertThat(client.getGlobalCompatibility()).isEqualTo("BACKWARD");
    client.setGlobalCompatibility("FULL");
    assertThat(backend.getGlobalCompatibility()).isEqualTo("FULL");

    Schema breaking =
        SchemaBuilder.record("Task")
            .namespace("io.bramble.schemas.avro")
            .fields()
            .requiredString("mustHave")
            .endRecord();
    assertThat(client.isCompatible(SUBJECT, breaking)).isFalse();
    assertThatThrownBy(() -> client.register(SUBJECT, breaking))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("mustHave");
  }

  private static String jsonString(String s) {
    return new ObjectMapper().valueToTree(s).toString();
  }
}
