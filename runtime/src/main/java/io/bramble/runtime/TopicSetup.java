package io.bramble.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Bramble's topics when missing and checks existing ones: jobs, fanouts and results must
 * have the same partition count (the coordinator joins them per partition), so must every pool's
 * tasks topic and checkpoints (a worker reads the checkpoint partitions of the task partitions it
 * owns, and an app's checkpoints stay in one partition as it moves between pools), and checkpoints
 * and job-results must be compacted. A broker that has just started or a leader that is moving
 * answers with retriable errors for a moment: those are retried until a deadline, then the setup
 * fails naming the topic.
 */
public final class TopicSetup {
  /** How long retriable errors are retried by default. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);

  private TopicSetup() {}

  public static void ensure(ClusterConfig cluster) {
    ensure(cluster, Set.of());
  }

  /** Bramble's topics with the tasks topics of {@code pools}. */
  public static void ensure(ClusterConfig cluster, Collection<String> pools) {
    try (Admin admin = Admin.create(cluster.clientProps())) {
      ensure(admin, cluster.topics(), pools, cluster.partitions(), DEFAULT_DEADLINE);
    }
  }

  public static void ensure(Admin admin, Topics topics, int partitions) {
    ensure(admin, topics, Set.of(), partitions, DEFAULT_DEADLINE);
  }

  /**
   * As {@link #ensure(Admin, Topics, int)}, retrying retriable errors for at most {@code deadline}.
   */
  public static void ensure(Admin admin, Topics topics, int partitions, Duration deadline) {
    ensure(admin, topics, Set.of(), partitions, deadline);
  }

  /**
   * Bramble's topics with the tasks topics of {@code pools}, retrying retriable errors for at most
   * {@code deadline}.
   */
  public static void ensure(
      Admin admin, Topics topics, Collection<String> pools, int partitions, Duration deadline) {
    List<String> all = topics.all(pools);
    long end = System.nanoTime() + deadline.toNanos();
    long backoffMs = 50;
    while (true) {
      try {
        createMissing(admin, all, topics, partitions);
        check(admin, all, topics);
        return;
      } catch (TopicFailure f) {
        boolean retriable = f.cause instanceof RetriableException;
        if (!retriable || System.nanoTime() + backoffMs * 1_000_000 > end) {
          throw new IllegalStateException(
              "cannot create Bramble's topics: topic "
                  + f.topic
                  + ": "
                  + f.cause.getMessage()
                  + (retriable ? " (still failing after " + deadline.toSeconds() + " s)" : ""),
              f.cause);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating topics", e);
      }
      try {
        Thread.sleep(backoffMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while creating topics", e);
      }
      backoffMs = Math.min(1_000, backoffMs * 2);
    }
  }

  /** A failure of one topic's creation or description. */
  private static final class TopicFailure extends Exception {
    final String topic;
    final Throwable cause;

    TopicFailure(String topic, Throwable cause) {
      super(topic, cause, false, false);
      this.topic = topic;
      this.cause = cause;
    }
  }

  private static <T> T await(String topic, KafkaFuture<T> future)
      throws TopicFailure, InterruptedException {
    try {
      return future.get();
    } catch (ExecutionException e) {
      throw new TopicFailure(topic, e.getCause());
    }
  }

  private static void createMissing(Admin admin, List<String> all, Topics topics, int partitions)
      throws TopicFailure, InterruptedException {
    Collection<String> existing = await("(listing topics)", admin.listTopics().names());
    List<NewTopic> missing = new ArrayList<>();
    for (String t : all) {
      if (!existing.contains(t)) {
        int n = t.equals(topics.joined()) ? 1 : partitions;
        NewTopic nt = new NewTopic(t, Optional.of(n), Optional.empty());
        if (topics.compacted().contains(t)) {
          nt.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        } else if (t.equals(topics.streams())) {
          nt.configs(
              Map.of(
                  TopicConfig.RETENTION_MS_CONFIG,
                  Long.toString(Topics.STREAM_RETENTION.toMillis())));
        }
        missing.add(nt);
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    for (Map.Entry<String, KafkaFuture<Void>> created :
        admin.createTopics(missing).values().entrySet()) {
      try {
        await(created.getKey(), created.getValue());
      } catch (TopicFailure f) {
        if (!(f.cause instanceof TopicExistsException)) {
          throw f;
        }
      }
    }
  }

  /** Each of {@code others} must have as many partitions as {@code first}; {@code who} needs it. */
  private static void samePartitions(
      Map<String, TopicDescription> described,
      String first,
      List<String> others,
      String who,
      List<String> problems) {
    int expected = described.get(first).partitions().size();
    for (String t : others) {
      int n = described.get(t).partitions().size();
      if (n != expected) {
        problems.add(
            "topic "
                + t
                + " has "
                + n
                + " partitions but "
                + first
                + " has "
                + expected
                + "; "
                + who
                + " needs them equal");
      }
    }
  }

  private static void check(Admin admin, List<String> all, Topics topics)
      throws TopicFailure, InterruptedException {
    Map<String, TopicDescription> described = new HashMap<>();
    for (Map.Entry<String, KafkaFuture<TopicDescription>> d :
        admin.describeTopics(all).topicNameValues().entrySet()) {
      described.put(d.getKey(), await(d.getKey(), d.getValue()));
    }
    List<String> problems = new ArrayList<>();
    samePartitions(
        described,
        topics.jobs(),
        List.of(topics.fanouts(), topics.results()),
        "the coordinator",
        problems);
    List<String> withCheckpoints = new ArrayList<>(List.of(topics.checkpoints()));
    all.stream().filter(t -> t.startsWith(topics.tasks() + ".")).forEach(withCheckpoints::add);
    samePartitions(described, topics.tasks(), withCheckpoints, "each worker", problems);
    List<ConfigResource> resources =
        topics.compacted().stream()
            .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t))
            .toList();
    Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(resources).values();
    for (ConfigResource r : resources) {
      String policy =
          await(r.name(), configs.get(r)).get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
      if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        problems.add(
            "topic " + r.name() + " has cleanup.policy=" + policy + " but must be compacted");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "existing topics have wrong settings: " + String.join("; ", problems));
    }
  }
}
