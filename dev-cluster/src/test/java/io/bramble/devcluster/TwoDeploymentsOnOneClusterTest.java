package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.coordinator.Coordinator;
import io.bramble.coordinator.CoordinatorConfig;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.runtime.Pools;
import io.bramble.core.state.State;
import io.bramble.embedded.EmbeddedKafka;
import io.bramble.embedded.EmbeddedSchemaRegistry;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.TopicSetup;
import io.bramble.runtime.Topics;
import io.bramble.runtime.WorkerGroups;
import io.bramble.schemas.BrambleSchemas;
import io.bramble.worker.Worker;
import io.bramble.worker.WorkerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two deployments on one broker, apart by their topic prefix alone: each has its own topics,
 * coordinator (application id), worker group and results, so a job id used in both runs once in
 * each, and a worker id used in both names two members of two groups.
 */
class TwoDeploymentsOnOneClusterTest {
  @Test
  void twoPrefixesShareABrokerWithoutTouching(@TempDir Path dir) throws Exception {
    try (EmbeddedKafka kafka =
            EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).build().start();
        EmbeddedSchemaRegistry registry =
            EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), 0)) {
      List<AutoCloseable> running = new ArrayList<>(); // closed before the broker
      try {
        twoDeployments(kafka, registry, dir, running);
      } finally {
        for (AutoCloseable c : running) {
          c.close();
        }
      }
    }
  }

  private static void twoDeployments(
      EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, Path dir, List<AutoCloseable> running)
      throws Exception {
    GraphRegistry graphs = GraphRegistry.load();
    Map<String, ClusterConfig> deployments =
        Map.of(
            "blue.",
            cluster(kafka, registry, "blue."),
            "green.",
            cluster(kafka, registry, "green."));
    for (Map.Entry<String, ClusterConfig> d : deployments.entrySet()) {
      ClusterConfig cluster = d.getValue();
      TopicSetup.ensure(cluster);
      BrambleSchemas.registerAll(cluster.schemaRegistry(), d.getKey());
      Coordinator coordinator =
          new Coordinator(
              CoordinatorConfig.of(cluster, dir.resolve(d.getKey() + "coordinator")),
              cluster.schemaRegistry());
      running.add(0, coordinator);
      coordinator.start();
      assertThat(coordinator.awaitRunning(Duration.ofSeconds(60))).isTrue();
      Worker worker =
          new Worker(
              // one worker id in both: in one group, the two would fence each other out
              WorkerConfig.of(cluster).withWorkerId("worker-1"), graphs, cluster.schemaRegistry());
      running.add(0, worker);
      worker.start();
    }

    for (Map.Entry<String, ClusterConfig> d : deployments.entrySet()) {
      ClusterConfig cluster = d.getValue();
      long to = d.getKey().equals("blue.") ? 6 : 7; // one job id, a different job in each
      try (JobClient client = new JobClient(cluster, cluster.schemaRegistry())) {
        client.submit(
            JobClient.request("job-1", "collatz", State.of("from", 5, "to", to), Map.of()));
        JobResult result = client.await("job-1", Duration.ofMinutes(2), null);
        assertThat(result.status()).as("error: %s", result.error()).isEqualTo(JobStatus.COMPLETED);
        assertThat(result.state().getMap("lengths")).hasSize((int) (to - 4));
      }
    }

    try (Admin admin =
        Admin.create(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()))) {
      Set<String> groups = new TreeSet<>();
      for (ConsumerGroupListing g : admin.listConsumerGroups().all().get()) {
        groups.add(g.groupId());
      }
      assertThat(groups)
          .contains(
              "blue.coordinator",
              "green.coordinator",
              WorkerGroups.of(new Topics("blue."), Pools.DEFAULT),
              WorkerGroups.of(new Topics("green."), Pools.DEFAULT))
          .allMatch(
              g -> g.startsWith("blue.") || g.startsWith("green."), "every group under a prefix");
      for (String prefix : List.of("blue.", "green.")) {
        String group = WorkerGroups.of(new Topics(prefix), Pools.DEFAULT);
        assertThat(
                admin
                    .describeConsumerGroups(List.of(group))
                    .describedGroups()
                    .get(group)
                    .get()
                    .members())
            .as("the workers of %s", group)
            .singleElement()
            .satisfies(m -> assertThat(m.groupInstanceId()).hasValue("worker-1"));
      }
    }
  }

  private static ClusterConfig cluster(
      EmbeddedKafka kafka, EmbeddedSchemaRegistry registry, String prefix) {
    return new ClusterConfig(
        kafka.bootstrapServers(), registry.url(), new Topics(prefix), 2, Map.of());
  }
}
