package io.bramble.runtime;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.clients.admin.ListConsumerGroupOffsetsOptions;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries a pool's committed task offsets from the group its workers used before groups followed
 * the topic prefix ({@link WorkerGroups#legacy}) to its group now, once: when the new group has
 * committed nothing on the pool's tasks topic and the old one has. Without it, upgraded workers
 * would read the tasks topic from its beginning and run every task it still holds again. Only the
 * offsets of this deployment's own tasks topic are taken (the old group was shared by every
 * prefix). Workers of the old version must be stopped first, or both groups would run each task: a
 * worker waits for the old group's members to leave this topic, and refuses to start if they stay.
 */
public final class LegacyWorkerOffsets {
  private static final Logger log = LoggerFactory.getLogger(LegacyWorkerOffsets.class);

  /** How long each call may take: a worker starting while the cluster is away is not held up. */
  private static final int CALL_TIMEOUT_MS = 10_000;

  /**
   * How long old workers may still hold the topic: a stopped worker stays a member of its group
   * (static membership) until its session times out.
   */
  public static final Duration OLD_WORKERS_LEAVE_WITHIN = Duration.ofSeconds(60);

  private LegacyWorkerOffsets() {}

  /**
   * Adopts the legacy group's offsets of {@code topic} for {@code group}; true when it did.
   *
   * @throws IllegalStateException workers of the old version still consume {@code topic} after
   *     {@code oldWorkersLeaveWithin}
   */
  public static boolean adopt(
      Admin admin, String legacyGroup, String group, String topic, Duration oldWorkersLeaveWithin)
      throws InterruptedException {
    try {
      if (!offsetsOf(admin, group, topic).isEmpty()) {
        return false;
      }
      Map<TopicPartition, OffsetAndMetadata> old = offsetsOf(admin, legacyGroup, topic);
      if (old.isEmpty()) {
        return false;
      }
      awaitOldWorkersGone(admin, legacyGroup, topic, oldWorkersLeaveWithin);
      admin
          .alterConsumerGroupOffsets(
              group, old, new AlterConsumerGroupOffsetsOptions().timeoutMs(CALL_TIMEOUT_MS))
          .all()
          .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
      log.info(
          "group {} takes the committed offsets of {} on {} (its name before groups followed the"
              + " topic prefix): {} partitions; delete the old group once every worker runs this"
              + " version",
          group,
          legacyGroup,
          topic,
          old.size());
      return true;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof GroupAuthorizationException) {
        log.info(
            "group {} cannot read the old group {} (no Describe on it): if workers of an older"
                + " version served {}, grant it for the upgrade, or the tasks still in the topic"
                + " run again",
            group,
            legacyGroup,
            topic);
        return false;
      }
      notTaken(admin, legacyGroup, group, topic, e.getCause());
      return false;
    } catch (TimeoutException e) {
      notTaken(admin, legacyGroup, group, topic, e);
      return false;
    }
  }

  /** Another worker of this version took them first (fine), or nobody did (a warning). */
  private static void notTaken(
      Admin admin, String legacyGroup, String group, String topic, Throwable why)
      throws InterruptedException {
    try {
      if (!offsetsOf(admin, group, topic).isEmpty()) {
        return;
      }
    } catch (ExecutionException | TimeoutException e) {
      // fall through to the warning
    }
    log.warn(
        "group {} could not take the committed offsets of {} on {} ({}): the tasks the topic still"
            + " holds from before the upgrade run again",
        group,
        legacyGroup,
        topic,
        why.getMessage());
  }

  private static void awaitOldWorkersGone(
      Admin admin, String legacyGroup, String topic, Duration within)
      throws InterruptedException, ExecutionException, TimeoutException {
    long deadline = System.nanoTime() + within.toNanos();
    List<String> holders = holders(admin, legacyGroup, topic);
    while (!holders.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "workers of an older version still consume "
                + topic
                + " in group "
                + legacyGroup
                + " "
                + holders
                + ": stop them before starting this version's workers (both would run every"
                + " task)");
      }
      log.info(
          "waiting for workers of an older version to leave {} (group {}: {})",
          topic,
          legacyGroup,
          holders);
      Thread.sleep(2_000);
      holders = holders(admin, legacyGroup, topic);
    }
  }

  /** The members of {@code group} holding partitions of {@code topic}. */
  private static List<String> holders(Admin admin, String group, String topic)
      throws InterruptedException, ExecutionException, TimeoutException {
    ConsumerGroupDescription d =
        admin
            .describeConsumerGroups(
                List.of(group), new DescribeConsumerGroupsOptions().timeoutMs(CALL_TIMEOUT_MS))
            .describedGroups()
            .get(group)
            .get(CALL_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    return d.members().stream()
        .filter(
            m -> m.assignment().topicPartitions().stream().anyMatch(p -> p.topic().equals(topic)))
        .map(MemberDescription::consumerId)
        .toList();
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
