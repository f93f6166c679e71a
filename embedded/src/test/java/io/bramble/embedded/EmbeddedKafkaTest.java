package io.bramble.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

  @TempDir Path dataDir;

  @Test
  void brokerStartsAndARecordMakesARoundTripThroughATopic() throws Exception {
    long started = System.nanoTime();
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).build().start()) {
      System.out.printf(
          "embedded broker cold start (format + start): %d ms%n",
          (System.nanoTime() - started) / 1_000_000);
      produce(kafka.bootstrapServers(), "greetings", List.of("hello", "world"));

      assertThat(consumeAndCommit(kafka.bootstrapServers(), "greetings", "readers", 2))
          .containsExactly("hello", "world");
      assertThat(Files.exists(dataDir.resolve(EmbeddedKafka.LOG_DIR).resolve("meta.properties")))
          .isTrue();
    }
  }

  @Test
  void restartOnTheSameDirectoryKeepsTopicsRecordsAndCommittedOffsets() throws Exception {
    String clusterId;
    int port;
    try (EmbeddedKafka kafka =
        EmbeddedKafka.builder().dataDir(dataDir).partitions(3).build().start()) {
      clusterId = kafka.clusterId();
      port = kafka.port();
      produce(kafka.bootstrapServers(), "jobs", List.of("a", "b", "c"));
      assertThat(consumeAndCommit(kafka.bootstrapServers(), "jobs", "coordinator", 3))
          .containsExactlyInAnyOrder("a", "b", "c");
      produce(kafka.bootstrapServers(), "jobs", List.of("d"));
    }

    long restarted = System.nanoTime();
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dataDir).build().start()) {
      System.out.printf(
          "embedded broker restart on a formatted dir: %d ms%n",
          (System.nanoTime() - restarted) / 1_000_000);
      assertThat(kafka.clusterId()).as("cluster id kept in the data dir").isEqualTo(clusterId);
      assertThat(kafka.port()).as("the previous port is re-used when free").isEqualTo(port);
      try (Admin admin = admin(kafka.bootstrapServers())) {
        assertThat(admin.listTopics().names().get()).contains("jobs");
        assertThat(
                admin.describeTopics(Set.of("jobs")).allTopicNames().get().get("jobs").partitions())
            .hasSize(3);
      }
      // the group resumes after its committed offsets: only the record written after the commit
      assertThat(consumeAndCommit(kafka.bootstrapServers(), "jobs", "coordinator", 1))
          .containsExactly("d");
      // and every record is still there for a new group
      assertThat(consumeAndCommit(kafka.bootstrapServers(), "jobs", "auditor", 4))
          .containsExactlyInAnyOrder("a", "b", "c", "d");
    }
  }

  @Test
  void brokerPropertiesOverrideBrambleDefaults() throws Exception {
    try (EmbeddedKafka kafka =
            EmbeddedKafka.builder()
                .dataDir(dataDir)
                .partitions(2)
                .brokerProperty("auto.create.topics.enable", "false")
                .build()
                .start();
        Admin admin = admin(kafka.bootstrapServers())) {
      admin
          .createTopics(List.of(new NewTopic("defaults", Optional.empty(), Optional.empty())))
          .all()
          .get();
      assertThat(
              admin
                  .describeTopics(Set.of("defaults"))
                  .allTopicNames()
                  .get()
                  .get("defaults")
                  .partitions())
          .as("num.partitions from partitions(2)")
          .hasSize(2);
      var configs =
          admin
              .describeConfigs(List.of(new ConfigResource(ConfigResource.Type.BROKER, "1")))
              .all()
              .get()
              .values()
              .iterator()
              .next();
      assertThat(configs.get("auto.create.topics.enable").value()).isEqualTo("false");
      assertThat(configs.get("transaction.state.log.replication.factor").value()).isEqualTo("1");
      assertThat(configs.get("log.cleaner.dedupe.buffer.size").value()).isEqualTo("2097152");
    }
  }

  static Admin admin(String bootstrap) {
    return Admin.create(Map.of("bootstrap.servers", bootstrap));
  }

  static void produce(String bootstrap, String topic, List<String> values) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      for (String value : values) {
        producer.send(new ProducerRecord<>(topic, value, value)).get();
      }
    }
  }

  /** Reads {@code count} records in group {@code group}, commits and leaves. */
  static List<String> consumeAndCommit(String bootstrap, String topic, String group, int count) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<String> values = new ArrayList<>();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      long deadline = System.currentTimeMillis() + 20_000;
      while (values.size() < count && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
      for (TopicPartition tp : consumer.assignment()) {
        offsets.put(tp, new OffsetAndMetadata(consumer.position(tp)));
      }
      consumer.commitSync(offsets);
      // nothing more arrives
      for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(300))) {
        values.add(r.value());
      }
    }
    return values;
  }
}
