package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.runtime.Pools;
import io.bramble.embedded.EmbeddedKafka;
import io.bramble.embedded.EmbeddedSchemaRegistry;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.TopicSetup;
import io.bramble.runtime.Topics;
import io.bramble.runtime.WorkerGroups;
import io.bramble.schemas.BrambleSchemas;
import io.bramble.worker.Worker;
import io.bramble.worker.WorkerConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker of this version started where workers of the old one committed under {@code
 * bramble-workers} goes on from their offsets: a task they ran is not run again.
 */
class UpgradedWorkersTest {
  @Test
  void anUpgradedWorkerGoesOnWhereTheOldGroupStopped(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka =
            EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).build().start();
        EmbeddedSchemaRegistry registry =
            EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0);
        Admin admin =
            Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()));
        KafkaProducer<String, byte[]> producer =
            new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()),
                new StringSerializer(),
                new ByteArraySerializer())) {
      ClusterConfig cluster =
          new ClusterConfig(
              kafka.bootstrapServers(), registry.url(), new Topics("up."), 1, Map.of());
      TopicSetup.ensure(cluster);
      BrambleSchemas.registerAll(cluster.schemaRegistry(), "up.");
      String tasks = cluster.topics().tasks();
      // A task the old workers ran (not a task at all: read again, it would be dead-lettered).
      producer.send(new ProducerRecord<>(tasks, "ran-before", bytes("not a task"))).get();
      admin
          .alterConsumerGroupOffsets(
              WorkerGroups.legacy(Pools.DEFAULT),
              Map.of(new TopicPartition(tasks, 0), new OffsetAndMetadata(1)))
          .all()
          .get();

      try (Worker worker =
          new Worker(
              WorkerConfig.of(cluster).withWorkerId("upgraded"),
              GraphRegistry.load(),
              cluster.schemaRegistry())) {
        worker.start();
        producer.send(new ProducerRecord<>(tasks, "after-upgrade", bytes("not a task"))).get();

        List<String> deadLettered = List.of();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!deadLettered.contains("after-upgrade") && System.nanoTime() < deadline) {
          deadLettered =
              TopicReader.readAll(cluster, cluster.topics().dlq(), Duration.ofSeconds(10)).stream()
                  .map(ConsumerRecord::key)
                  .toList();
        }
        assertThat(deadLettered)
            .as("the worker reads what came after the old group's offsets, and only that")
            .containsExactly("after-upgrade");
      }
    }
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
