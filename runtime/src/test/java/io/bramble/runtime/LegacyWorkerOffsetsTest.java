package io.bramble.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.runtime.Pools;
import io.bramble.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgraded workers take the offsets their pool's group committed under its old name, once, and only
 * those of their own deployment's tasks topic.
 */
class LegacyWorkerOffsetsTest {
  @Test
  void aNewGroupTakesTheOldGroupsOffsetsOfItsOwnTopicOnce(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).build().start();
        Admin admin =
            Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      Topics mine = new Topics("mine.");
      Topics theirs = new Topics("theirs.");
      admin
          .createTopics(
              List.of(
                  new NewTopic(mine.tasks(), 2, (short) 1),
                  new NewTopic(theirs.tasks(), 1, (short) 1)))
          .all()
          .get();
      String legacy = WorkerGroups.legacy(Pools.DEFAULT);
      // The old group was shared by every prefix: it holds both deployments' offsets.
      admin
          .alterConsumerGroupOffsets(
              legacy,
              Map.of(
                  new TopicPartition(mine.tasks(), 0), new OffsetAndMetadata(7),
                  new TopicPartition(mine.tasks(), 1), new OffsetAndMetadata(3),
                  new TopicPartition(theirs.tasks(), 0), new OffsetAndMetadata(11)))
          .all()
          .get();
      String group = WorkerGroups.of(mine, Pools.DEFAULT);
      assertThat(group).isEqualTo("mine.workers");

      assertThat(LegacyWorkerOffsets.adopt(admin, legacy, group, mine.tasks(), Duration.ZERO))
          .isTrue();
      assertThat(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get())
          .containsOnly(
              Map.entry(new TopicPartition(mine.tasks(), 0), new OffsetAndMetadata(7)),
              Map.entry(new TopicPartition(mine.tasks(), 1), new OffsetAndMetadata(3)));

      // Once: offsets the new group committed since are not overwritten.
      admin
          .alterConsumerGroupOffsets(
              group, Map.of(new TopicPartition(mine.tasks(), 0), new OffsetAndMetadata(9)))
          .all()
          .get();
      assertThat(LegacyWorkerOffsets.adopt(admin, legacy, group, mine.tasks(), Duration.ZERO))
          .isFalse();
      assertThat(
              admin
                  .listConsumerGroupOffsets(group)
                  .partitionsToOffsetAndMetadata()
                  .get()
                  .get(new TopicPartition(mine.tasks(), 0))
                  .offset())
          .isEqualTo(9);

      // A deployment whose old group has nothing on its topic starts as new.
      assertThat(
              LegacyWorkerOffsets.adopt(
                  admin,
                  legacy,
                  WorkerGroups.of(new Topics("fresh."), Pools.DEFAULT),
                  "fresh.tasks",
                  Duration.ZERO))
          .isFalse();
      assertThat(WorkerGroups.of(mine, "gpu")).isEqualTo("mine.workers.gpu");
    }
  }

  @Test
  void anOldWorkerStillConsumingTheTopicStopsTheUpgradeUntilItLeaves(@TempDir Path dir)
      throws Exception {
    try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).build().start();
        Admin admin =
            Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      String topic = "busy.tasks";
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
      String legacy = WorkerGroups.legacy(Pools.DEFAULT);
      KafkaConsumer<byte[], byte[]> oldWorker =
          new KafkaConsumer<>(
              Map.of(
                  "bootstrap.servers", kafka.bootstrapServers(),
                  "group.id", legacy,
                  "enable.auto.commit", "false",
                  "key.deserializer", ByteArrayDeserializer.class.getName(),
                  "value.deserializer", ByteArrayDeserializer.class.getName()));
      oldWorker.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (oldWorker.assignment().isEmpty() && System.nanoTime() < deadline) {
        oldWorker.poll(Duration.ofMillis(100));
      }
      oldWorker.commitSync(Map.of(new TopicPartition(topic, 0), new OffsetAndMetadata(5)));

      assertThatThrownBy(
              () ->
                  LegacyWorkerOffsets.adopt(
                      admin, legacy, "busy.workers", topic, Duration.ofSeconds(1)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("still consume busy.tasks in group bramble-workers")
          .hasMessageContaining("stop them");
      assertThat(
              admin.listConsumerGroupOffsets("busy.workers").partitionsToOffsetAndMetadata().get())
          .as("nothing taken while they run")
          .isEmpty();

      oldWorker.close(); // it leaves its group
      assertThat(
              LegacyWorkerOffsets.adopt(
                  admin, legacy, "busy.workers", topic, Duration.ofSeconds(30)))
          .isTrue();
      assertThat(
              admin
                  .listConsumerGroupOffsets("busy.workers")
                  .partitionsToOffsetAndMetadata()
                  .get()
                  .get(new TopicPartition(topic, 0))
                  .offset())
          .isEqualTo(5);
    }
  }
}
