package io.bramble.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.embedded.EmbeddedKafka;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Topic setup against a real broker: created once, checked, retried while the broker is not there
 * yet.
 */
class TopicSetupTest {
  @TempDir Path dir;

  private static Admin admin(String bootstrap) {
    return Admin.create(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            2_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            3_000));
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  @Test
  void aSetupStartedBeforeTheBrokerIsUpRetriesAndSucceedsOnceItIs() throws Exception {
    int port = freePort();
    Topics topics = new Topics("late.");
    try (Admin admin = admin("localhost:" + port)) {
      CompletableFuture<Void> setup =
          CompletableFuture.runAsync(() -> TopicSetup.ensure(admin, topics, 2));
      Thread.sleep(3_500); // longer than one admin call may take: the first ones fail
      assertThat(setup).isNotDone();
      try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).port(port).build().start()) {
        setup.get(60, TimeUnit.SECONDS);
        assertThat(admin.listTopics().names().get()).containsAll(topics.all());
      }
    }
  }

  @Test
  void existingTopicsWithUnequalPartitionsAreRefusedNamingThem() throws Exception {
    try (EmbeddedKafka kafka =
            EmbeddedKafka.builder().dataDir(dir).port(freePort()).build().start();
        Admin admin = admin(kafka.bootstrapServers())) {
      Topics topics = new Topics("uneven.");
      admin.createTopics(List.of(new NewTopic(topics.results(), 3, (short) 1))).all().get();

      assertThatThrownBy(() -> TopicSetup.ensure(admin, topics, 2))
          .hasMessageContaining("topic uneven.results has 3 partitions but uneven.jobs has 2");
    }
  }

  @Test
  void anErrorThatRetryingCannotFixFailsAtOnceNamingTheTopic() throws Exception {
    try (EmbeddedKafka kafka =
            EmbeddedKafka.builder().dataDir(dir).port(freePort()).build().start();
        Admin admin = admin(kafka.bootstrapServers())) {
      Topics topics = new Topics("bad prefix/");

      assertThatThrownBy(() -> TopicSetup.ensure(admin, topics, 2, Duration.ofMinutes(5)))
          .hasMessageStartingWith("cannot create Bramble's topics: topic bad prefix/")
          .hasMessageNotContaining("still failing");
    }
  }

  @Test
  void aReplicationFactorAboveTheBrokerCountIsRefusedNamingBoth() throws Exception {
    try (EmbeddedKafka kafka =
            EmbeddedKafka.builder().dataDir(dir).port(freePort()).build().start();
        Admin admin = admin(kafka.bootstrapServers())) {
      assertThatThrownBy(
              () ->
                  TopicSetup.ensure(
                      admin,
                      new Topics("triple."),
                      List.of(),
                      2,
                      Replication.of(3),
                      Duration.ofSeconds(30)))
          .hasMessageContaining("the replication factor is 3 but the cluster has 1 broker up");
      assertThat(admin.listTopics().names().get()).noneMatch(t -> t.startsWith("triple."));
    }
  }

  @Test
  void topicsAreCreatedWithTheConfiguredReplicationAndExistingOnesThatDifferAreNamed()
      throws Exception {
    try (EmbeddedKafka kafka =
            EmbeddedKafka.builder().dataDir(dir).port(freePort()).build().start();
        Admin admin = admin(kafka.bootstrapServers())) {
      Topics topics = new Topics("replicated.");
      admin.createTopics(List.of(new NewTopic(topics.events(), 5, (short) 1))).all().get();

      List<String> warnings =
          TopicSetup.ensure(
              admin, topics, List.of(), 2, new Replication(1, 1), Duration.ofSeconds(30));

      ConfigResource jobs = new ConfigResource(ConfigResource.Type.TOPIC, topics.jobs());
      assertThat(
              admin
                  .describeConfigs(List.of(jobs))
                  .all()
                  .get()
                  .get(jobs)
                  .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG)
                  .value())
          .isEqualTo("1");
      assertThat(warnings)
          .containsExactly(
              "topic replicated.events has 5 partitions, the partitions setting asks for 2;"
                  + " Bramble uses the topic as it is");
    }
  }

  @Test
  void aTopicAskingForMoreInSyncReplicasThanItHasIsRefused() throws Exception {
    try (EmbeddedKafka kafka =
            EmbeddedKafka.builder().dataDir(dir).port(freePort()).build().start();
        Admin admin = admin(kafka.bootstrapServers())) {
      Topics topics = new Topics("stuck.");
      admin
          .createTopics(
              List.of(
                  new NewTopic(topics.events(), 2, (short) 1)
                      .configs(Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, "2"))))
          .all()
          .get();

      assertThatThrownBy(() -> TopicSetup.ensure(admin, topics, 2))
          .hasMessageContaining(
              "topic stuck.events has min.insync.replicas=2 but 1 replica: no write to it can"
                  + " succeed");
    }
  }
}
