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
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates Bramble's topics when missing and checks existing ones: jobs, fanouts and results must
 * have the same partition count (the coordinator joins them per partition), so must every pool's
 * tasks topic and checkpoints (a worker reads the checkpoint partitions of the task partitions it
 * owns, and an app's checkpoints stay in one partition as it moves between pools), checkpoints and
 * job-results must be compacted, and no topic may ask for more in-sync replicas than it has (no
 * write would succeed). Topics are created with the configured {@link Replication}; one refused for
 * lack of brokers fails naming both numbers. An existing topic whose partitions or replication
 * differ from the settings is named in a warning (it keeps working, with less safety or spread than
 * asked for). A broker that has just started or a leader that is moving answers with retriable
 * errors for a moment: those are retried until a deadline, then the setup fails naming the topic.
 */
public final class TopicSetup {
  private static final Logger log = LoggerFactory.getLogger(TopicSetup.class);

  /** How long retriable errors are retried by default. */
  public static final Duration DEFAULT_DEADLINE = Duration.ofSeconds(60);

  private TopicSetup() {}

  /** Bramble's topics; returns the warnings it logged. */
  public static List<String> ensure(ClusterConfig cluster) {
    return ensure(cluster, Set.of());
  }

  /** Bramble's topics with the tasks topics of {@code pools}; returns the warnings it logged. */
  public static List<String> ensure(ClusterConfig cluster, Collection<String> pools) {
    try (Admin admin = Admin.create(cluster.clientProps())) {
      return ensure(
          admin,
          cluster.topics(),
          pools,
          cluster.partitions(),
          cluster.replication(),
          DEFAULT_DEADLINE);
    }
  }

  /**
   * Creates version lane {@code lane} ({@link Topics#lane}) unless it exists, with as many
   * partitions as {@code tasksTopic} (its tasks keep their partition, and with it their
   * checkpoints) and {@code replication}.
   */
  public static void ensureLane(
      Admin admin, String lane, String tasksTopic, Replication replication)
      throws InterruptedException, ExecutionException {
    if (admin.listTopics().names().get().contains(lane)) {
      return;
    }
    int partitions =
        admin
            .describeTopics(List.of(tasksTopic))
            .topicNameValues()
            .get(tasksTopic)
            .get()
            .partitions()
            .size();
    try {
      admin
          .createTopics(
              List.of(
                  new NewTopic(lane, Optional.of(partitions), replication.newTopicFactor())
                      .configs(replication.topicConfigs())))
          .all()
          .get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw e;
      }
    }
  }

  public static List<String> ensure(Admin admin, Topics topics, int partitions) {
    return ensure(admin, topics, partitions, DEFAULT_DEADLINE);
  }

  /**
   * As {@link #ensure(Admin, Topics, int)}, retrying retriable errors for at most {@code deadline}.
   */
  public static List<String> ensure(Admin admin, Topics topics, int partitions, Duration deadline) {
    return ensure(admin, topics, Set.of(), partitions, Replication.DEFAULTS, deadline);
  }

  /**
   * Bramble's topics with the tasks topics of {@code pools}, created with {@code partitions} and
   * {@code replication}, retrying retriable errors for at most {@code deadline}; returns the
   * warnings it logged.
   */
  public static List<String> ensure(
      Admin admin,
      Topics topics,
      Collection<String> pools,
      int partitions,
      Replication replication,
      Duration deadline) {
    List<String> all = topics.all(pools);
    long end = System.nanoTime() + deadline.toNanos();
    long backoffMs = 50;
    while (true) {
      try {
        createMissing(admin, all, topics, partitions, replication);
        List<String> warnings = check(admin, all, topics, partitions, replication);
        warnings.forEach(log::warn);
        return warnings;
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

  /** The partitions a topic is created with: the joined-pages topic has one. */
  private static int partitionsOf(String topic, Topics topics, int partitions) {
    return topic.equals(topics.joined()) ? 1 : partitions;
  }

  private static void createMissing(
      Admin admin, List<String> all, Topics topics, int partitions, Replication replication)
      throws TopicFailure, InterruptedException {
    Collection<String> existing = await("(listing topics)", admin.listTopics().names());
    List<NewTopic> missing = new ArrayList<>();
    for (String t : all) {
      if (!existing.contains(t)) {
        NewTopic nt =
            new NewTopic(
                t, Optional.of(partitionsOf(t, topics, partitions)), replication.newTopicFactor());
        Map<String, String> configs = new HashMap<>(replication.topicConfigs());
        if (topics.compacted().contains(t)) {
          configs.put(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT);
          if (t.equals(topics.checkpoints())) {
            configs.put(
                TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG,
                Long.toString(Topics.CANCELLATIONS_READABLE.toMillis()));
          }
        } else if (t.equals(topics.streams())) {
          configs.put(
              TopicConfig.RETENTION_MS_CONFIG, Long.toString(Topics.STREAM_RETENTION.toMillis()));
        }
        missing.add(nt.configs(configs));
      }
    }
    if (missing.isEmpty()) {
      return;
    }
    if (replication.factorSet()) {
      int brokers = await("(describing the cluster)", admin.describeCluster().nodes()).size();
      if (replication.factor() > brokers) {
        throw new IllegalStateException(
            "cannot create Bramble's topics: the replication factor is "
                + replication.factor()
                + " but the cluster has "
                + brokers
                + (brokers == 1 ? " broker" : " brokers")
                + " up (set replication.factor, BRAMBLE_REPLICATION_FACTOR, to at most "
                + brokers
                + ", or start the missing brokers)");
      }
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

  private static List<String> check(
      Admin admin, List<String> all, Topics topics, int partitions, Replication replication)
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
        List.of(topics.fanouts(), topics.results(), topics.cancellations()),
        "the coordinator",
        problems);
    List<String> withCheckpoints = new ArrayList<>(List.of(topics.checkpoints()));
    all.stream().filter(t -> t.startsWith(topics.tasks() + ".")).forEach(withCheckpoints::add);
    samePartitions(described, topics.tasks(), withCheckpoints, "each worker", problems);

    List<ConfigResource> resources =
        all.stream().map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    Map<ConfigResource, KafkaFuture<Config>> configs = admin.describeConfigs(resources).values();
    int brokers = await("(describing the cluster)", admin.describeCluster().nodes()).size();
    List<String> warnings = new ArrayList<>();
    List<String> unreplicated = new ArrayList<>();
    for (ConfigResource r : resources) {
      String t = r.name();
      Config config = await(t, configs.get(r));
      int replicas = described.get(t).partitions().get(0).replicas().size();
      // Some Kafka-compatible services leave configs out: a missing one is not checked.
      int minInsync = intConfig(config, TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, 1);
      String policy = stringConfig(config, TopicConfig.CLEANUP_POLICY_CONFIG, "");
      if (topics.compacted().contains(t)
          && !policy.isEmpty()
          && !policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        problems.add("topic " + t + " has cleanup.policy=" + policy + " but must be compacted");
      }
      if (minInsync > replicas) {
        problems.add(
            "topic "
                + t
                + " has min.insync.replicas="
                + minInsync
                + " but "
                + replicas
                + (replicas == 1 ? " replica" : " replicas")
                + ": no write to it can succeed");
      }
      warnings.addAll(
          differences(t, described.get(t), replicas, minInsync, topics, partitions, replication));
      if (!replication.factorSet() && replicas == 1 && brokers > 1) {
        unreplicated.add(t);
      }
    }
    if (!unreplicated.isEmpty()) {
      warnings.add(
          "topics "
              + String.join(", ", unreplicated)
              + " have 1 replica on a cluster of "
              + brokers
              + " brokers: losing one broker loses their records (set replication.factor,"
              + " BRAMBLE_REPLICATION_FACTOR, for the topics Bramble creates)");
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException(
          "existing topics have wrong settings: " + String.join("; ", problems));
    }
    return warnings;
  }

  private static String stringConfig(Config config, String name, String missing) {
    ConfigEntry e = config.get(name);
    return e == null || e.value() == null ? missing : e.value();
  }

  private static int intConfig(Config config, String name, int missing) {
    String v = stringConfig(config, name, "");
    return v.isEmpty() ? missing : Integer.parseInt(v);
  }

  /** What an existing topic has that the settings do not ask for, and still works with. */
  private static List<String> differences(
      String t,
      TopicDescription described,
      int replicas,
      int minInsync,
      Topics topics,
      int partitions,
      Replication replication) {
    List<String> warnings = new ArrayList<>();
    int expected = partitionsOf(t, topics, partitions);
    int n = described.partitions().size();
    if (n != expected) {
      warnings.add(
          "topic "
              + t
              + " has "
              + n
              + " partitions, the partitions setting asks for "
              + expected
              + "; Bramble uses the topic as it is");
    }
    if (replication.factorSet() && replicas != replication.factor()) {
      warnings.add(
          "topic "
              + t
              + " has "
              + replicas
              + " replicas, the replication factor setting asks for "
              + replication.factor()
              + "; Kafka does not change an existing topic's replicas (kafka-reassign-partitions"
              + " does)");
    }
    if (replication.minInsyncReplicas() != Replication.BROKER_DEFAULT
        && minInsync != replication.minInsyncReplicas()) {
      warnings.add(
          "topic "
              + t
              + " has min.insync.replicas="
              + minInsync
              + ", the setting asks for "
              + replication.minInsyncReplicas()
              + " (kafka-configs --alter changes it)");
    }
    return warnings;
  }
}
