package io.bramble.embedded;

import static io.bramble.embedded.Schemas.POEM_V1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The embedded broker with SASL/PLAIN logins and ACLs, and the embedded registry on it. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EmbeddedKafkaSecurityTest {

  @TempDir static Path dataDir;
  EmbeddedKafka kafka;

  @BeforeAll
  void start() {
    Map<String, String> users = new LinkedHashMap<>();
    users.put("admin", "admin-secret");
    users.put("alice", "alice-secret");
    users.put("registry", "registry-secret");
    users.put("mallory", "mallory-secret");
    kafka =
        EmbeddedKafka.builder()
            .dataDir(dataDir)
            .saslPlain(users)
            .aclAuthorizer("admin")
            .build()
            .start();
  }

  @AfterAll
  void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void theSuperUserMayDoAnythingAndAUserOnlyWhatItsAclsAllow() throws Exception {
    assertThat(kafka.securityProtocol()).isEqualTo("SASL_PLAINTEXT");
    assertThat(kafka.aclsEnabled()).isTrue();
    try (Admin admin = Admin.create(props("admin"))) {
      admin
          .createTopics(List.of(new NewTopic("alices", 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      admin
          .createAcls(
              List.of(
                  allow("alice", ResourceType.TOPIC, "alices", AclOperation.WRITE),
                  allow("alice", ResourceType.TOPIC, "alices", AclOperation.READ)))
          .all()
          .get(30, TimeUnit.SECONDS);
    }
    awaitAcls("alice");

    produce(props("alice"), "alices", "hello");
    assertThat(readAll(props("alice"), "alices")).containsExactly("hello");

    assertThatThrownBy(() -> produce(props("mallory"), "alices", "intrusion"))
        .hasRootCauseInstanceOf(TopicAuthorizationException.class);
  }

  @Test
  void aWrongPasswordIsRefusedAtLogin() {
    Map<String, Object> wrong =
        withBootstrap(EmbeddedKafka.saslPlainClientProperties("alice", "guess"));
    wrong.put("max.block.ms", "5000");
    assertThatThrownBy(() -> produce(wrong, "alices", "x"))
        .hasRootCauseInstanceOf(SaslAuthenticationException.class);
  }

  @Test
  void theRegistryRunsOnTheSecuredBrokerWithItsOwnClientProperties() throws Exception {
    try (Admin admin = Admin.create(props("admin"))) {
      List<AclBinding> acls = new ArrayList<>();
      for (AclOperation op :
          List.of(
              AclOperation.CREATE, AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE)) {
        acls.add(allow("registry", ResourceType.TOPIC, EmbeddedSchemaRegistry.DEFAULT_TOPIC, op));
      }
      admin.createAcls(acls).all().get(30, TimeUnit.SECONDS);
    }
    awaitAcls("registry");

    int id;
    try (EmbeddedSchemaRegistry registry =
        EmbeddedSchemaRegistry.builder(kafka.bootstrapServers())
            .clientProperties(kafka.clientProperties("registry"))
            .start()) {
      RestClient.Response registered =
          new RestClient(registry.url()).register("secured-value", POEM_V1);
      assertThat(registered.status()).isEqualTo(200);
      id = registered.body().get("id").asInt();
    }
    // a second start reads the registrations back from _schemas through the same login
    try (EmbeddedSchemaRegistry registry =
        EmbeddedSchemaRegistry.builder(kafka.bootstrapServers())
            .clientProperties(kafka.clientProperties("registry"))
            .start()) {
      assertThat(new RestClient(registry.url()).get("/schemas/ids/" + id).status()).isEqualTo(200);
    }
    // without the login the registry cannot reach its topic
    assertThatThrownBy(
            () ->
                EmbeddedSchemaRegistry.builder(kafka.bootstrapServers())
                    .clientProperties(
                        Map.of("default.api.timeout.ms", "3000", "request.timeout.ms", "3000"))
                    .start()
                    .close())
        .isInstanceOf(RuntimeException.class);
  }

  @Test
  void aclsSurviveARestartOnTheSameDirectory(@TempDir Path restartDir) throws Exception {
    Map<String, String> users = Map.of("admin", "admin-secret", "alice", "alice-secret");
    AclBinding acl = allow("alice", ResourceType.TOPIC, "kept", AclOperation.WRITE);
    try (EmbeddedKafka first =
            EmbeddedKafka.builder()
                .dataDir(restartDir)
                .saslPlain(users)
                .aclAuthorizer("admin")
                .build()
                .start();
        Admin admin = Admin.create(withBootstrap(first, first.clientProperties("admin")))) {
      admin
          .createTopics(List.of(new NewTopic("kept", 1, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      admin.createAcls(List.of(acl)).all().get(30, TimeUnit.SECONDS);
    }
    try (EmbeddedKafka again =
            EmbeddedKafka.builder()
                .dataDir(restartDir)
                .saslPlain(users)
                .aclAuthorizer("admin")
                .build()
                .start();
        Admin admin = Admin.create(withBootstrap(again, again.clientProperties("admin")))) {
      assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get()).contains(acl);
      produce(withBootstrap(again, again.clientProperties("alice")), "kept", "after restart");
    }
  }

  @Test
  void anAuthorizerNeedsSaslAndItsSuperUserMustBeASaslUser() {
    assertThatThrownBy(
            () -> EmbeddedKafka.builder().dataDir(dataDir).aclAuthorizer("admin").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("needs saslPlain");
    assertThatThrownBy(
            () ->
                EmbeddedKafka.builder()
                    .dataDir(dataDir)
                    .saslPlain(Map.of("bob", "x"))
                    .aclAuthorizer("admin")
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'admin'");
    assertThatThrownBy(() -> EmbeddedKafka.builder().saslPlain(Map.of("bad name", "x")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> kafka.clientProperties("nobody"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void passwordsWithQuotesAndBackslashesAreQuotedInTheJaasConfig() {
    assertThat(EmbeddedKafka.saslPlainClientProperties("u", "a\"b\\c").get("sasl.jaas.config"))
        .isEqualTo(
            "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\" "
                + "password=\"a\\\"b\\\\c\";");
  }

  private Map<String, Object> props(String user) {
    return withBootstrap(kafka.clientProperties(user));
  }

  private Map<String, Object> withBootstrap(Map<String, String> client) {
    return withBootstrap(kafka, client);
  }

  private static Map<String, Object> withBootstrap(
      EmbeddedKafka broker, Map<String, String> client) {
    Map<String, Object> p = new HashMap<>(client);
    p.put("bootstrap.servers", broker.bootstrapServers());
    p.put("max.block.ms", "10000");
    p.put("delivery.timeout.ms", "10000");
    p.put("request.timeout.ms", "5000");
    return p;
  }

  private static AclBinding allow(String user, ResourceType type, String name, AclOperation op) {
    return new AclBinding(
        new ResourcePattern(type, name, PatternType.LITERAL),
        new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
  }

  /** ACLs take effect once the broker has applied the metadata record; wait until it lists them. */
  private void awaitAcls(String user) throws Exception {
    try (Admin admin = Admin.create(props("admin"))) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (admin
              .describeAcls(
                  new AclBindingFilter(
                      ResourcePatternFilter.ANY,
                      new AccessControlEntryFilter(
                          "User:" + user, null, AclOperation.ANY, AclPermissionType.ANY)))
              .values()
              .get()
              .isEmpty()
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }
  }

  private static void produce(Map<String, Object> props, String topic, String value)
      throws Exception {
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, value, value)).get(15, TimeUnit.SECONDS);
    }
  }

  private static List<String> readAll(Map<String, Object> props, String topic) {
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (consumer.position(tp) < end && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(100))) {
          values.add(r.value());
        }
      }
    }
    return values;
  }
}
