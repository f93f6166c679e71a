package io.bramble.runtime;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates Bramble's topics when missing and checks existing ones: jobs, fanouts and results must
 * have the same partition count (the coordinator joins them per partition), and checkpoints and
 * job-results must be compacted.
 */
public final class TopicSetup {
  private TopicSetup() {}

  public static void ensure(ClusterConfig cluster) {
    try (Admin admin = Admin.create(cluster.clientProps())) {
      ensure(admin, cluster.topics(), cluster.partitions());
    }
  }

  public static void ensure(Admin admin, Topics topics, int partitions) {
    try {
      Collection<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing = new ArrayList<>();
      for (String t : topics.all()) {
        if (!existing.contains(t)) {
          NewTopic nt = new NewTopic(t, java.util.Optional.of(partitions), java.util.Optional.empty());
          if (topics.compacted().contains(t)) {
            nt.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
          }
          missing.add(nt);
        }
      }
      if (!missing.isEmpty()) {
        try {
          admin.createTopics(missing).all().get();
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      check(admin, topics);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot create Bramble's topics: " + e.getCause().getMessage(), e.getCause());
    }
  }

  private static void check(Admin admin, Topics topics) throws ExecutionException, InterruptedException {
    Map<String, TopicDescription> described = admin.describeTopics(topics.all()).allTopicNames().get();
    List<String> problems = new ArrayList<>();
    int joined = described.get(topics.jobs()).partitions().size();
    for (String t : List.of(topics.fanouts(), topics.results())) {
      int n = described.get(t).partitions().size();
      if (n != joined) {
        problems.add("topic " + t + " has " + n + " partitions but " + topics.jobs() + " has " + joined
            + "; the coordinator needs them equal");
      }
    }
    Map<ConfigResource, Config> configs = new HashMap<>();
    List<ConfigResource> resources = topics.compacted().stream()
        .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList();
    configs.putAll(admin.describeConfigs(resources).all().get());
    for (ConfigResource r : resources) {
      String policy = configs.get(r).get(TopicConfig.CLEANUP_POLICY_CONFIG).value();
      if (!policy.contains(TopicConfig.CLEANUP_POLICY_COMPACT)) {
        problems.add("topic " + r.name() + " has cleanup.policy=" + policy + " but must be compacted");
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalStateException("existing topics have wrong settings: " + String.join("; ", problems));
    }
  }
}
