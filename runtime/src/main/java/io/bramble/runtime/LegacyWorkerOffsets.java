package io.bramble.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a pool's committed task offsets from the group its workers used before groups followed
 * the topic prefix ({@link WorkerGroups#legacy}) to its group now, once: when the new group has
 * committed nothing on the pool's tasks topic and the old one has. Without it, upgraded workers
 * would read the tasks topic from its beginning and run every task it still holds again. Only the
 * offsets of this deployment's own tasks topic are taken (the old group was shared by every
 * prefix). Workers of the old version must be stopped first: two groups would both run each task.
 */
public final class LegacyWorkerOffsets {
  private static final Logger log = LoggerFactory.getLogger(LegacyWorkerOffsets.class);

  /** How long each call may take: a worker starting while the cluster is away is not held up. */
  private static final int CALL_TIMEOUT_MS = 10_000;

  private LegacyWorkerOffsets() {}

  /** Adopts the legacy group's offsets of {@code topic} for {@code group}; true when it did. */
  public static boolean adopt(Admin admin, String legacyGroup, String group, String topic)
      throws InterruptedException {
    try {
      if (!offsetsOf(admin, group, topic).isEmpty()) {
        return false;
      }
      Map<TopicPartition, OffsetAndMetadata> old = offsetsOf(admin, legacyGroup, topic);
      if (old.isEmpty()) {
        return false;
      }
      admin
          .alterConsumerGroupOffsets(
              group, old, new AlterConsumerGroupOffsetsOptions().timeoutMs(CALL_TIMEOUT_MS))
          .all()
          .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      log.info(
          "group {} takes the committed offsets of {} on {} (its name before groups followed the"
              + " topic prefix): {} partitions; the old group can be deleted",
          group,
          legacyGroup,
          topic,
          old.size());
      return true;
    } catch (ExecutionException | TimeoutException e) {
      // Another worker of the new version adopted them and joined first (the group is not empty),
      // the cluster is away (the consumer will wait for it), or no right to read the old group.
      log.info(
          "group {} did not take the offsets of {} on {}: {}",
          group,
          legacyGroup,
          topic,
          e.getCause() == null ? e.toString() : e.getCause().getMessage());
      return false;
    }
  }

  private static Map<TopicPartition, OffsetAndMetadata> offsetsOf(
      Admin admin, String group, String topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    Map<TopicPartition, OffsetAndMetadata> of = new HashMap<>();
    admin
        .listConsumerGroupOffsets(
            group, new ListConsumerGroupOffsetsOptions().timeoutMs(CALL_TIMEOUT_MS))
        .partitionsToOffsetAndMetadata()
        .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .forEach(
            (tp, offset) -> {
              if (tp.topic().equals(topic) && offset != null) {
                of.put(tp, offset);
              }
            });
    return of;
  }
}
