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
}
