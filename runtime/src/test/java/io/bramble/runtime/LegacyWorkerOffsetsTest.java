package io.bramble.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.runtime.Pools;
import io.bramble.embedded.EmbeddedKafka;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
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

      assertThat(LegacyWorkerOffsets.adopt(admin, legacy, group, mine.tasks())).isTrue();
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
      assertThat(LegacyWorkerOffsets.adopt(admin, legacy, group, mine.tasks())).isFalse();
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
                  "fresh.tasks"))
          .isFalse();
      assertThat(WorkerGroups.of(mine, "gpu")).isEqualTo("mine.workers.gpu");
    }
  }
}
