package io.bramble.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.coordinator.CoordinatorConfig;
import io.bramble.core.runtime.Pools;
import io.bramble.core.state.State;
import io.bramble.embedded.EmbeddedSchemaRegistry;
import io.bramble.launcher.bench.JobOwner;
import io.bramble.launcher.processes.ProcessCluster;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.GroupMembers;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.Topics;
import io.bramble.runtime.WorkerGroups;
import io.bramble.schemas.registry.SchemaRegistryClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bramble on a cluster of three brokers (KRaft, each a JVM of its own), with replication factor 3
 * and two in-sync replicas, two coordinator instances and two workers: while a job runs, {@code
 * kill -9} of the broker that leads the most task partitions, a second later of the coordinator
 * instance joining the job's children (not restarted: the other takes over), then the broker comes
 * back. The job ends in the state an undisturbed run ends in, with one result, and no step ran
 * twice.
 */
class ThreeBrokersTest {
  /**
   * 600 children of three 250 ms steps: about 15 s of work for two workers of 16, so both kills
   * land while children run.
   */
  private static final int CHILDREN = 600;

  private static final int SLEEP_MS = 250;
  private static final int PARTITIONS = 4;
  private static final List<String> BROKERS = List.of("kafka-1", "kafka-2", "kafka-3");
  private static final List<String> WORKERS = List.of("w1", "w2");

  @TempDir Path dir;

  @Test
  void aJobOutlivesTheBrokerLeadingMostTaskPartitionsAndTheCoordinatorJoiningIt() throws Exception {
    Path executions = java.nio.file.Files.createDirectories(dir.resolve("executions"));
    List<Integer> ports = new ArrayList<>();
    List<Integer> controllerPorts = new ArrayList<>();
    for (int i = 0; i < BROKERS.size(); i++) {
      ports.add(ProcessCluster.freePort());
      controllerPorts.add(ProcessCluster.freePort());
    }
    String voters =
        IntStream.range(0, BROKERS.size())
            .mapToObj(i -> (i + 1) + "@localhost:" + controllerPorts.get(i))
            .collect(Collectors.joining(","));
    String bootstrap = ports.stream().map(p -> "localhost:" + p).collect(Collectors.joining(","));
    // Kafka's own topics replicated as a production cluster's; Bramble's follow its setting.
    Map<String, String> brokerProperties =
        Map.of(
            "offsets.topic.replication.factor", "3",
            "transaction.state.log.replication.factor", "3",
            "transaction.state.log.min.isr", "2",
            "share.coordinator.state.topic.replication.factor", "3",
            "share.coordinator.state.topic.min.isr", "2");
    String appId = "three-brokers-1";
    String clusterId = Uuid.randomUuid().toString();
    try (ProcessCluster processes =
        new ProcessCluster(dir, Map.of(ExecutionRecorder.ENV, executions.toString()))) {
      for (int i = 0; i < BROKERS.size(); i++) {
        processes.startClusterBroker(
            BROKERS.get(i),
            dir.resolve(BROKERS.get(i)),
            ports.get(i),
            PARTITIONS,
            i + 1,
            controllerPorts.get(i),
            voters,
            clusterId,
            brokerProperties);
      }
      BROKERS.forEach(processes::awaitReady);
      try (EmbeddedSchemaRegistry registry =
              EmbeddedSchemaRegistry.builder(bootstrap).replicationFactor(3).start();
          Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        List<String> clusterArgs =
            new ArrayList<>(ProcessCluster.clusterArgs(bootstrap, registry.url(), PARTITIONS));
        clusterArgs.addAll(List.of("--replication-factor", "3"));
        List<String> coordinators = List.of("coordinator-1", "coordinator-2");
        // Seven JVMs on this machine's cores: a session of 6 s rides out a starved heartbeat.
        List<String> coordinatorArgs = new ArrayList<>(clusterArgs);
        coordinatorArgs.addAll(List.of("--session-timeout-ms", "6000"));
        for (String c : coordinators) {
          processes.startCoordinator(c, coordinatorArgs, dir.resolve(c));
          processes.awaitReady(c);
        }
        WORKERS.forEach(w -> processes.startWorker(w, clusterArgs, 16));
        WORKERS.forEach(processes::awaitReady);

        Topics topics = Topics.defaults();
        assertReplicated(admin, topics.tasks());
        assertReplicated(admin, "_schemas");
        String applicationId = CoordinatorConfig.applicationId(topics);
        await()
            .atMost(Duration.ofMinutes(1))
            .until(() -> JobOwner.members(admin, applicationId).size() == 2);
        // A step running when a worker joins late moves with its partition and runs again (seen
        // here: the root's first step): the workers' group settles before the job starts.
        await()
            .atMost(Duration.ofMinutes(1))
            .until(
                () -> {
                  List<MemberDescription> workers =
                      GroupMembers.of(admin, WorkerGroups.of(topics, Pools.DEFAULT));
                  return workers.size() == WORKERS.size()
                      && workers.stream()
                          .noneMatch(m -> m.assignment().topicPartitions().isEmpty());
                });

        ClusterConfig cluster = ClusterConfig.of(bootstrap, registry.url());
        try (JobClient client =
            new JobClient(cluster, SchemaRegistryClient.builder(registry.url()).build())) {
          State input = ChaosGraph.input(CHILDREN, SLEEP_MS);
          client.submit(JobClient.request(appId, ChaosGraph.NAME, input, Map.of()));
          await()
              .atMost(Duration.ofMinutes(1))
              .until(() -> ExecutionLog.read(executions).of("step").size() >= CHILDREN / 2);

          String leader = BROKERS.get(leaderOfMostPartitions(admin, topics.tasks()) - 1);
          processes.kill(leader);
          Thread.sleep(1_000);
          // While the broker's loss rebalances the group, no member holds the partition.
          String member =
              await()
                  .atMost(Duration.ofMinutes(1))
                  .until(
                      () ->
                          JobOwner.memberOf(admin, applicationId, topics.jobs(), PARTITIONS, appId),
                      java.util.Optional::isPresent)
                  .orElseThrow();
          String owner =
              coordinators.stream()
                  .filter(c -> member.contains(processId(c, applicationId)))
                  .findFirst()
                  .orElseThrow();
          processes.kill(owner);
          assertThat(ExecutionLog.read(executions).appsDone())
              .as("children done when the coordinator joining them died")
              .hasSizeLessThan(CHILDREN);
          processes.restart(leader);

          JobResult result = client.await(appId, Duration.ofMinutes(4), null);
          String logs = "logs in " + dir;
          assertThat(result.status())
              .as("job status (error %s); %s", result.error(), logs)
              .isEqualTo(JobStatus.COMPLETED);
          assertThat(result.state().userValues())
              .as("final state; %s", logs)
              .isEqualTo(ChaosGraph.undisturbed(appId, input).userValues());
          assertThat(result.state().<Long>getList("seen_items"))
              .as("every child reduced once, in task order")
              .isEqualTo(LongStream.range(0, CHILDREN).boxed().toList());
          assertThat(ExecutionLog.read(executions).repeats())
              .as("steps that ran twice; %s", logs)
              .isEmpty();
          assertThat(resultsOf(bootstrap, topics.jobResults(), appId))
              .as("results of the job")
              .isEqualTo(1);
        }
      }
    }
  }

  private String processId(String coordinator, String applicationId) {
    try {
      return JobOwner.processId(dir.resolve(coordinator), applicationId);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** Three replicas, two of them needed in sync: the replication setting reached the topic. */
  private static void assertReplicated(Admin admin, String topic) throws Exception {
    TopicDescription d = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
    assertThat(d.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic);
    String minInsync =
        admin
            .describeConfigs(List.of(r))
            .all()
            .get()
            .get(r)
            .get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG)
            .value();
    if (!topic.equals("_schemas")) {
      assertThat(minInsync).as("min.insync.replicas of " + topic).isEqualTo("2");
    }
  }

  /** The node id leading the most partitions of {@code topic}. */
  private static int leaderOfMostPartitions(Admin admin, String topic) throws Exception {
    Map<Integer, Integer> led = new HashMap<>();
    admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get()
        .get(topic)
        .partitions()
        .forEach(p -> led.merge(p.leader().id(), 1, Integer::sum));
    return led.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
  }

  /** Records of {@code appId} on the job-results topic (read to its end, committed ones only). */
  private static long resultsOf(String bootstrap, String topic, String appId) {
    Map<String, Object> props =
        TopicReader.readerProps(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = TopicReader.partitionsOf(consumer, topic);
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      AtomicLong count = new AtomicLong();
      assertThat(
              TopicReader.readToEnd(
                  consumer,
                  partitions,
                  Duration.ofSeconds(30),
                  r -> {
                    if (appId.equals(r.key()) && r.value() != null) {
                      count.incrementAndGet();
                    }
                  }))
          .as("read " + topic + " to its end")
          .isTrue();
      return count.get();
    }
  }
}
