package io.bramble.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.bramble.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against a real broker: the open transaction of an instance that is no member of the group is
 * aborted; this instance's own, and another application's, are left alone; nothing is aborted while
 * this instance is no member itself.
 */
class StaleTransactionsTest {
  private static final String APP = "stale.coordinator";
  private static final String DEAD = APP + "-11111111-1111-1111-1111-111111111111-1";
  private static final String OWN = APP + "-22222222-2222-2222-2222-222222222222-1";
  private static final String OWN_CLIENT =
      APP + "-22222222-2222-2222-2222-222222222222-StreamThread-1-consumer";
  private static final String OTHER_APP =
      "other.coordinator-33333333-3333-3333-3333-333333333333-1";

  @TempDir Path dir;

  @Test
  void theOpenTransactionOfAnInstanceNoLongerAMemberIsAbortedAndNoOtherOne() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).build().start();
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("stale-out", 1, (short) 1))).all().get();
      try (KafkaProducer<String, String> dead = open(kafka, DEAD);
          KafkaProducer<String, String> own = open(kafka, OWN);
          KafkaProducer<String, String> other = open(kafka, OTHER_APP);
          KafkaConsumer<String, String> member = member(kafka)) {
        StaleTransactions stale = new StaleTransactions(admin, APP, () -> null, () -> null);
        // Only transactions open for a while are looked at: a starting instance is left alone.
        await()
            .atMost(Duration.ofSeconds(30))
            .pollDelay(StaleTransactions.OPEN_FOR)
            .until(() -> !stale.fence(OWN_CLIENT).isEmpty());

        assertThatThrownBy(dead::commitTransaction).isInstanceOf(KafkaException.class);
        own.commitTransaction();
        other.commitTransaction();
        assertThat(stale.fence(OWN_CLIENT)).isEmpty();
      }
    }
  }

  @Test
  void nothingIsAbortedWhileThisInstanceIsNoMember() throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).build().start();
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic("stale-out", 1, (short) 1))).all().get();
      try (KafkaProducer<String, String> own = open(kafka, OWN)) {
        Thread.sleep(StaleTransactions.OPEN_FOR.toMillis() + 500);
        StaleTransactions stale = new StaleTransactions(admin, APP, () -> null, () -> null);
        assertThat(stale.fence(null)).as("before it knows its name").isEmpty();
        assertThat(stale.fence(OWN_CLIENT)).as("not a member: no group").isEmpty();
        own.commitTransaction();
      }
    }
  }

  /** This instance in the group, as Kafka Streams' consumer would be (its client id). */
  private static KafkaConsumer<String, String> member(EmbeddedKafka kafka) {
    KafkaConsumer<String, String> c =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG,
                APP,
                ConsumerConfig.CLIENT_ID_CONFIG,
                OWN_CLIENT),
            new StringDeserializer(),
            new StringDeserializer());
    c.subscribe(List.of("stale-out"));
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !c.poll(Duration.ofMillis(100)).isEmpty() || !c.assignment().isEmpty());
    return c;
  }

  /** A producer of {@code transactionalId} with a transaction open on it. */
  private static KafkaProducer<String, String> open(EmbeddedKafka kafka, String transactionalId)
      throws Exception {
    KafkaProducer<String, String> p =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG,
                transactionalId),
            new StringSerializer(),
            new StringSerializer());
    p.initTransactions();
    p.beginTransaction();
    p.send(new ProducerRecord<>("stale-out", "k", transactionalId)).get();
    return p;
  }
}
