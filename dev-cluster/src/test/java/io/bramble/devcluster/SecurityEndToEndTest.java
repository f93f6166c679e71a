package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.coordinator.Coordinator;
import io.bramble.coordinator.CoordinatorConfig;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.runtime.Pools;
import io.bramble.core.state.State;
import io.bramble.embedded.EmbeddedKafka;
import io.bramble.embedded.EmbeddedSchemaRegistry;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.TopicSetup;
import io.bramble.runtime.Topics;
import io.bramble.runtime.WorkerGroups;
import io.bramble.schemas.BrambleSchemas;
import io.bramble.schemas.registry.SchemaRegistryClient;
import io.bramble.schemas.registry.SchemaRegistryException;
import io.bramble.worker.Worker;
import io.bramble.worker.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform on a broker that takes SASL/PLAIN logins and authorizes with ACLs: the coordinator,
 * a worker and the embedded registry run as the {@code bramble} user with exactly the ACLs of
 * {@link PlatformAcls#platform}, a job is submitted as the {@code client} user with {@link
 * PlatformAcls#client}; clients without a login, with a wrong password or without an ACL are
 * refused.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecurityEndToEndTest {
  private static final String REGISTRY_USER_INFO = "bramble:registry-secret";
  private static final Topics TOPICS = Topics.defaults();

  @TempDir static Path dir;
  private EmbeddedKafka kafka;
  private EmbeddedSchemaRegistry registryServer;
  private Coordinator coordinator;
  private Worker worker;

  @BeforeAll
  void start() throws Exception {
    Map<String, String> users = new LinkedHashMap<>();
    users.put("admin", "admin-secret");
    users.put("bramble", "bramble-secret");
    users.put("client", "client-secret");
    users.put("mallory", "mallory-secret");
    kafka =
        EmbeddedKafka.builder()
            .dataDir(dir.resolve("kafka"))
            .partitions(2)
            .saslPlain(users)
            .aclAuthorizer("admin")
            .build()
            .start();

    try (Admin admin = Admin.create(withBootstrap(kafka.clientProperties("admin")))) {
      admin
          .createAcls(
              PlatformAcls.platform(
                  "bramble",
                  TOPICS,
                  WorkerGroups.of(TOPICS, Pools.DEFAULT),
                  EmbeddedSchemaRegistry.DEFAULT_TOPIC))
          .all()
          .get(30, TimeUnit.SECONDS);
      admin.createAcls(PlatformAcls.client("client", TOPICS)).all().get(30, TimeUnit.SECONDS);
      int expected =
          PlatformAcls.platform(
                      "bramble",
                      TOPICS,
                      WorkerGroups.of(TOPICS, Pools.DEFAULT),
                      EmbeddedSchemaRegistry.DEFAULT_TOPIC)
                  .size()
              + PlatformAcls.client("client", TOPICS).size();
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (admin.describeAcls(AclBindingFilter.ANY).values().get().size() < expected
          && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
    }

    // the registry's own Kafka clients log in as the platform user; its HTTP side wants basic auth
    registryServer =
        EmbeddedSchemaRegistry.builder(kafka.bootstrapServers())
            .clientProperties(kafka.clientProperties("bramble"))
            .basicAuth("bramble", "registry-secret")
            .start();

    ClusterConfig cluster = clusterAs("bramble", Map.of());
    SchemaRegistryClient schemas = cluster.schemaRegistry();
    TopicSetup.ensure(cluster);
    BrambleSchemas.registerAll(schemas, TOPICS.prefix());
    GraphRegistry graphs = GraphRegistry.load();
    coordinator =
        new Coordinator(CoordinatorConfig.of(cluster, dir.resolve("coordinator")), schemas);
    coordinator.start();
    assertThat(coordinator.awaitRunning(Duration.ofSeconds(60)))
        .as("coordinator RUNNING as the bramble user (state %s)", coordinator.state())
        .isTrue();
    worker = new Worker(WorkerConfig.of(cluster).withWorkerId("secure-worker"), graphs, schemas);
    worker.start();
  }

  @AfterAll
  void stop() {
    if (worker != null) {
      worker.close();
    }
    if (coordinator != null) {
      coordinator.close();
    }
    if (registryServer != null) {
      registryServer.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  /**
   * The configuration a Bramble process gets from {@code --client-property}/{@code --config}: the
   * user's SASL login for every Kafka client and {@code basic.auth.user.info} for the registry.
   */
  private ClusterConfig clusterAs(String user, Map<String, String> extra) {
    Map<String, String> client = new LinkedHashMap<>(kafka.clientProperties(user));
    client.put("basic.auth.user.info", REGISTRY_USER_INFO);
    client.putAll(extra);
    return new ClusterConfig(kafka.bootstrapServers(), registryServer.url(), TOPICS, 2, client);
  }

  private Map<String, Object> withBootstrap(Map<String, String> client) {
    Map<String, Object> p = new HashMap<>(client);
    p.put("bootstrap.servers", kafka.bootstrapServers());
    return p;
  }

  private static final Map<String, String> FAIL_FAST =
      Map.of("max.block.ms", "3000", "delivery.timeout.ms", "3000", "request.timeout.ms", "2000");

  @Test
  void aCollatzJobSubmittedByTheClientUserCompletesOnThePlatformUsersCoordinatorAndWorker()
      throws Exception {
    ClusterConfig asClient = clusterAs("client", Map.of());
    try (JobClient client = new JobClient(asClient, asClient.schemaRegistry())) {
      client.submit(
          JobClient.request(
              "secure-collatz-1", "collatz", State.of("from", 5L, "to", 7L), Map.of()));
      JobResult result = client.await("secure-collatz-1", Duration.ofMinutes(2), null);
      assertThat(result.status()).as("error: %s", result.error()).isEqualTo(JobStatus.COMPLETED);
      State state = result.state();
      assertThat(state.getMap("lengths"))
          .containsEntry("5", 6L)
          .containsEntry("6", 9L)
          .containsEntry("7", 17L);
    }
    assertThat(worker.tasksDone()).isGreaterThanOrEqualTo(4);
  }

  @Test
  void aClientWithoutALoginCannotProduceJobs() {
    // PLAINTEXT to the SASL port: the broker closes every connection, so no metadata, no send
    Map<String, Object> p = withBootstrap(FAIL_FAST);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      assertThatThrownBy(
              () ->
                  producer
                      .send(new ProducerRecord<>(TOPICS.jobs(), "anon", new byte[] {0}))
                      .get(10, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(TimeoutException.class);
    }
  }

  @Test
  void aClientWithAWrongPasswordIsRefusedAtLogin() {
    Map<String, String> wrong =
        new LinkedHashMap<>(EmbeddedKafka.saslPlainClientProperties("client", "guess"));
    wrong.putAll(FAIL_FAST);
    wrong.put("basic.auth.user.info", REGISTRY_USER_INFO);
    ClusterConfig cluster =
        new ClusterConfig(kafka.bootstrapServers(), registryServer.url(), TOPICS, 2, wrong);
    try (JobClient client = new JobClient(cluster, cluster.schemaRegistry())) {
      assertThatThrownBy(
              () ->
                  client.submit(
                      JobClient.request(
                          "wrong-password", "collatz", State.of("from", 1L, "to", 1L), Map.of())))
          .hasMessageContaining(TOPICS.jobs())
          .hasRootCauseInstanceOf(SaslAuthenticationException.class);
    }
  }

  @Test
  void anAuthenticatedUserWithoutAnAclOnTheJobsTopicIsRefused() {
    ClusterConfig asMallory = clusterAs("mallory", FAIL_FAST);
    try (JobClient client = new JobClient(asMallory, asMallory.schemaRegistry())) {
      assertThatThrownBy(
              () ->
                  client.submit(
                      JobClient.request(
                          "intrusion", "collatz", State.of("from", 1L, "to", 1L), Map.of())))
          .hasRootCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  void theClientUserCannotWriteTasksStraightToTheWorkers() {
    Map<String, Object> p = withBootstrap(kafka.clientProperties("client"));
    p.putAll(FAIL_FAST);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      assertThatThrownBy(
              () ->
                  producer
                      .send(new ProducerRecord<>(TOPICS.tasks(), "forged", new byte[] {0}))
                      .get(10, TimeUnit.SECONDS))
          .hasRootCauseInstanceOf(TopicAuthorizationException.class);
    }
  }

  @Test
  void theRegistryRefusesARequestWithoutBasicAuth() {
    SchemaRegistryClient anonymous =
        SchemaRegistryClient.builder(registryServer.url()).maxRetries(0).build();
    assertThatThrownBy(() -> anonymous.versions(TOPICS.jobs() + "-value"))
        .isInstanceOfSatisfying(
            SchemaRegistryException.class, e -> assertThat(e.httpStatus()).isEqualTo(401));
  }
}
