package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.application.Application;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.Records;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.TopicSetup;
import io.bramble.runtime.Topics;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.serde.BrambleSerdes;
import io.bramble.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** A real in-JVM broker, registry, Streams coordinator and workers running jobs end to end. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DistributedRunTest {
  @TempDir static Path dir;
  private final GraphProvider fanOut = new TestGraphs.FanOut();
  private final GraphProvider nested = new TestGraphs.Nested();
  private final GraphRegistry graphs = GraphRegistry.of(fanOut, nested, new TestGraphs.Counted());
  private DevCluster cluster;
  private JobClient client;

  @BeforeAll
  void start() {
    cluster = DevCluster.start(dir, graphs, 2, 4);
    client = cluster.client();
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  private JobResult run(String graph, State state) throws Exception {
    String appId = graph + "-" + UUID.randomUUID();
    client.submit(JobClient.request(appId, graph, state, Map.of()));
    return client.await(appId, Duration.ofMinutes(3), null);
  }

  private State local(GraphProvider provider, State state) {
    return Application.builder()
        .withGraph(provider.graph())
        .withEntrypoint(provider.entrypoint())
        .withState(state)
        .withIdentifiers("local-" + UUID.randomUUID(), null)
        .build()
        .run()
        .state();
  }

  @Test
  void aThousandChildFanOutCompletesWithResultsReducedInTaskOrderAndBothWorkersShareIt()
      throws Exception {
    cluster.awaitWorkersAssigned(Duration.ofSeconds(60));
    Map<String, Long> before = new HashMap<>();
    cluster.workers().forEach(w -> before.put(w.workerId(), w.tasksDone()));
    JobResult result = run("fanout", State.of("n", 1000, "sleep_ms", 0));
    assertThat(cluster.workers())
        .hasSize(2)
        .allSatisfy(
            w ->
                assertThat(w.tasksDone() - before.get(w.workerId()))
                    .as("tasks done by %s", w.workerId())
                    .isPositive());
    assertThat(result.status()).as("error: %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    State state = result.state();
    assertThat(state.<Long>getList("outs"))
        .isEqualTo(LongStream.range(0, 1000).map(i -> i * 2).boxed().toList());
    assertThat(state.getLong("sum")).isEqualTo(999L * 1000);
  }

  @Test
  void aTwentyThousandChildFanOutCompletesAndNoRecordOfItGrowsWithItsWidth() throws Exception {
    int n = 20_000;
    String appId = "wide-" + UUID.randomUUID();
    client.submit(JobClient.request(appId, "fanout", State.of("n", n, "sleep_ms", 0), Map.of()));
    JobResult result = client.await(appId, Duration.ofMinutes(5), null);

    assertThat(result.status()).as("error: %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    State state = result.state();
    assertThat(state.<Long>getList("outs"))
        .isEqualTo(LongStream.range(0, n).map(i -> i * 2).boxed().toList());
    assertThat(state.getLong("sum")).isEqualTo((long) n * (n - 1));
    assertThat(result.steps())
        .as("the root's three steps, each child's four")
        .isEqualTo(3 + 4L * n);

    Topics topics = cluster.cluster().topics();
    List<ConsumerRecord<String, byte[]>> fanOuts = recordsFor(topics.fanouts(), appId);
    assertThat(fanOuts).as("the fan-out, in pages").hasSizeGreaterThan(1);
    assertThat(fanOuts).allSatisfy(r -> assertThat(r.value().length).isLessThan(512 * 1024 + 1));
    // (A worker that re-ran the root after a rebalance sends the same pages again.)
    assertThat(childAppIds(appId).stream().distinct().count()).as("children").isEqualTo(n);
    String pageKey = Records.stepId(appId, 1) + "@";
    List<ConsumerRecord<String, byte[]>> pages =
        TopicReader.readAll(cluster.cluster(), topics.joined(), Duration.ofSeconds(30)).stream()
            .filter(r -> r.key().startsWith(pageKey))
            .toList();
    List<ConsumerRecord<String, byte[]>> written =
        pages.stream().filter(r -> r.value() != null).toList();
    assertThat(written).as("the children's outcomes, in pages").hasSizeGreaterThan(1);
    assertThat(written).allSatisfy(r -> assertThat(r.value().length).isLessThan(1024 * 1024));
    assertThat(pages.size())
        .as("each page removed once the job completed")
        .isEqualTo(2 * written.size());
  }

  @Test
  void distributedRunsEndInTheSameStateAsLocalOnes() throws Exception {
    State input = State.of("n", 25, "sleep_ms", 0);
    State distributed = run("fanout", input).state();
    assertThat(distributed.userValues()).isEqualTo(local(fanOut, input).userValues());
    assertThat(distributed.get(State.SEQUENCE_ID))
        .isEqualTo(local(fanOut, input).get(State.SEQUENCE_ID));
  }

  @Test
  void nestedParallelismRunsDistributed() throws Exception {
    State input = State.of("groups", List.of(List.of(1, 2, 3), List.of(10, 20), List.of(5)));
    JobResult result = run("nested", input);
    assertThat(result.status()).as("error: %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    State state = result.state();
    assertThat(state.get("results"))
        .isEqualTo(
            List.of(
                List.of(List.of(2L, 4L, 6L), 12L),
                List.of(List.of(20L, 40L), 60L),
                List.of(List.of(10L), 10L)));
    assertThat(state.userValues()).isEqualTo(local(nested, input).userValues());
  }

  @Test
  void threeWorkersShareTheLoad() throws Exception {
    Worker third = cluster.startWorker();
    try {
      cluster.awaitWorkersAssigned(Duration.ofSeconds(60));
      Map<String, Long> before = new HashMap<>();
      cluster.workers().forEach(w -> before.put(w.workerId(), w.tasksDone()));
      JobResult result = run("fanout", State.of("n", 300, "sleep_ms", 2));
      assertThat(result.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(cluster.workers())
          .hasSize(3)
          .allSatisfy(
              w ->
                  assertThat(w.tasksDone() - before.get(w.workerId()))
                      .as("tasks done by %s", w.workerId())
                      .isPositive());
    } finally {
      cluster.stopWorker(third);
    }
  }

  @Test
  void aJobProducedByAPlainKafkaProducerRuns() throws Exception {
    String appId = "plain-" + UUID.randomUUID();
    Map<String, Object> props = new HashMap<>(cluster.cluster().clientProps());
    try (KafkaProducer<String, JobRequest> producer =
        new KafkaProducer<>(
            props,
            new StringSerializer(),
            BrambleSerdes.forType(JobRequest.class, cluster.schemas()))) {
      producer
          .send(
              new ProducerRecord<>(
                  cluster.cluster().topics().jobs(),
                  appId,
                  JobClient.request(appId, "fanout", State.of("n", 3, "sleep_ms", 0), Map.of())))
          .get();
    }
    JobResult result = client.await(appId, Duration.ofMinutes(1), null);
    assertThat(result.state().<Long>getList("outs")).containsExactly(0L, 2L, 4L);
  }

  @Test
  void aJobSubmittedTwiceRunsOnceAndHasOneResult() throws Exception {
    String appId = "twice-" + UUID.randomUUID();
    JobRequest job = JobClient.request(appId, "fanout", State.of("n", 5, "sleep_ms", 0), Map.of());
    client.submit(job);
    client.submit(job);
    assertThat(client.await(appId, Duration.ofMinutes(1), null).status())
        .isEqualTo(JobStatus.COMPLETED);
    // Both submissions share a jobs partition, so the second was handled before the job could
    // finish.
    assertThat(recordsFor(cluster.cluster().topics().jobResults(), appId)).hasSize(1);
    assertThat(recordsFor(cluster.cluster().topics().tasks(), appId)).hasSize(1 + 1);
  }

  @Test
  void anUnknownGraphGetsAFailedResultNamingIt() throws Exception {
    JobResult result = run("no-such-graph", State.empty());
    assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(result.error().message()).contains("unknown graph 'no-such-graph'");
  }

  @Test
  void restartingCoordinatorAndWorkersMidJobLosesNothingAndCountsNothingTwice() throws Exception {
    String appId = "restart-" + UUID.randomUUID();
    int n = 200;
    client.submit(JobClient.request(appId, "fanout", State.of("n", n, "sleep_ms", 5), Map.of()));
    List<JobClient.Progress> seen = new ArrayList<>();
    Thread.sleep(1500);
    cluster.stopCoordinator();
    Worker victim = cluster.workers().get(0);
    cluster.stopWorker(victim);
    cluster.startCoordinator();
    cluster.startWorker();
    JobResult result = client.await(appId, Duration.ofMinutes(3), seen::add);
    assertThat(result.status()).as("error: %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    State state = result.state();
    assertThat(state.<Long>getList("outs"))
        .isEqualTo(LongStream.range(0, n).map(i -> i * 2).boxed().toList());
    assertThat(seen).isNotEmpty();
    assertThat(seen.get(seen.size() - 1)).isEqualTo(new JobClient.Progress(n, n));
  }

  @Test
  void aRedeliveredCompletedTaskReEmitsItsResultWithoutRunningAgain() throws Exception {
    String appId = "redelivered-" + UUID.randomUUID();
    TestGraphs.Counted.RUNS.clear();
    client.submit(JobClient.request(appId, "counted", State.empty(), Map.of()));
    assertThat(client.await(appId, Duration.ofMinutes(1), null).status())
        .isEqualTo(JobStatus.FAILED);
    String completedChild = childAppIds(appId).get(0);
    String results = cluster.cluster().topics().results();
    assertThat(resultsOf(completedChild)).hasSize(1);

    // Deliver child 0's task again, as after a worker crash before its offset commit.
    ConsumerRecord<String, byte[]> task =
        recordsFor(cluster.cluster().topics().tasks(), completedChild).get(0);
    Map<String, Object> props = new HashMap<>(cluster.cluster().clientProps());
    try (KafkaProducer<String, byte[]> p =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      p.send(new ProducerRecord<>(cluster.cluster().topics().tasks(), completedChild, task.value()))
          .get();
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (resultsOf(completedChild).size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    List<TaskResult> emitted = resultsOf(completedChild);
    assertThat(emitted).hasSize(2);
    assertThat(TestGraphs.Counted.RUNS.get(0L).get()).isEqualTo(1);
    assertThat(emitted.get(1).getState()).isEqualTo(emitted.get(0).getState());
    assertThat(emitted.get(1).getStatus()).isEqualTo(ResultStatus.COMPLETED);
  }

  /** The results a child reported (they travel under its parent's key). */
  private List<TaskResult> resultsOf(String childAppId) {
    var decoder = BrambleSerdes.forType(TaskResult.class, cluster.schemas());
    String results = cluster.cluster().topics().results();
    return TopicReader.readAll(cluster.cluster(), results, Duration.ofSeconds(30)).stream()
        .map(r -> decoder.deserialize(results, r.value()))
        .filter(r -> childAppId.equals(r.getAppId()))
        .toList();
  }

  @Test
  void aWorkerShutDownGracefullyMidJobRepeatsNoStep() throws Exception {
    cluster.awaitWorkersAssigned(Duration.ofSeconds(60));
    String appId = "graceful-" + UUID.randomUUID();
    // Far more children than the two workers run at once (2 x 64), so the leaving worker still has
    // tasks queued, not started, when it goes: those must move, not run twice.
    int n = 400;
    TestGraphs.EXECUTIONS.clear();
    client.submit(JobClient.request(appId, "fanout", State.of("n", n, "sleep_ms", 40), Map.of()));
    while (TestGraphs.EXECUTIONS.size() < 20) {
      Thread.sleep(20);
    }
    Worker leaving = cluster.workers().get(0);
    long closing = System.nanoTime();
    cluster.stopWorker(leaving);
    long closedMs = (System.nanoTime() - closing) / 1_000_000;
    int before = TestGraphs.EXECUTIONS.size();
    Worker replacement = cluster.startWorker();
    long started = System.nanoTime();
    while (replacement.assignment().isEmpty()
        && System.nanoTime() - started < Duration.ofSeconds(60).toNanos()) {
      Thread.sleep(20);
    }
    System.out.printf(
        "graceful shutdown took %d ms; the replacement owned partitions %d ms after starting%n",
        closedMs, (System.nanoTime() - started) / 1_000_000);
    JobResult result = client.await(appId, Duration.ofMinutes(2), null);
    assertThat(result.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(result.state().<Long>getList("outs"))
        .isEqualTo(LongStream.range(0, n).map(i -> i * 2).boxed().toList());
    List<String> steps = new ArrayList<>(TestGraphs.EXECUTIONS);
    assertThat(before).isLessThan(3 * n);
    assertThat(steps).hasSize(3 * n).doesNotHaveDuplicates();
  }

  @Test
  void workersPublishEveryStepOfEveryAppOfTheJobAsEvents() throws Exception {
    String appId = "events-" + UUID.randomUUID();
    JobRequest job = JobClient.request(appId, "fanout", State.of("n", 2, "sleep_ms", 0), Map.of());
    List<TrackingEvent> events = new CopyOnWriteArrayList<>();
    client.submit(job);
    client.await(appId, Duration.ofMinutes(1), null, events::add);
    List<String> childIds = childAppIds(appId);
    Function<String, List<String>> stepsOf =
        id ->
            events.stream()
                .filter(e -> e.getAppId().equals(id) && e.getKind() == EventKind.STEP_END)
                .map(e -> e.getAction() + "#" + e.getSequenceId())
                .toList();
    assertThat(stepsOf.apply(appId)).containsExactly("prepare#0", "fan_out#1", "summarize#2");
    for (String child : childIds) {
      assertThat(stepsOf.apply(child)).containsExactly("tick#0", "tick#1", "tick#2", "done#3");
    }
    var childEnd =
        events.stream()
            .filter(
                e ->
                    e.getAppId().equals(childIds.get(1))
                        && e.getKind() == EventKind.STEP_END
                        && "done".equals(e.getAction()))
            .findFirst()
            .orElseThrow();
    assertThat(childEnd.getWorkerId()).startsWith("worker-");
    assertThat(StateCodec.toState(childEnd.getState()).getLong("out")).isEqualTo(2L);
    assertThat(events)
        .anySatisfy(
            e -> {
              assertThat(e.getKind()).isEqualTo(EventKind.APP_CREATED);
              assertThat(e.getAppId()).isEqualTo(childIds.get(0));
              assertThat(e.getParentAppId()).isEqualTo(appId);
            });
    assertThat(
            events.stream()
                .filter(e -> e.getKind() == EventKind.SPAWN)
                .map(TrackingEvent::getChildAppId)
                .toList())
        .containsExactlyElementsOf(childIds);
    assertThat(events)
        .as("every app of the job says how it ended")
        .filteredOn(e -> e.getKind() == EventKind.APP_ENDED)
        .extracting(TrackingEvent::getAppId)
        .contains(appId, childIds.get(0), childIds.get(1));
    assertThat(events).allSatisfy(e -> assertThat(e.getRootAppId()).isEqualTo(appId));
  }

  @Test
  void coordinatorAndWorkersCountTasksStepsJobsAndJoins() throws Exception {
    run("fanout", State.of("n", 5, "sleep_ms", 0));
    String scrape = cluster.meters().scrape();
    assertThat(scrape)
        .contains(
            "bramble_tasks_started_total{worker=\"worker-",
            "bramble_tasks_completed_total{",
            "bramble_tasks_fanned_out_total{",
            "bramble_tasks_in_flight{",
            "bramble_step_duration_seconds_count{action=\"tick\",graph=\"fanout\",outcome=\"ok\"}",
            "bramble_jobs_completed_total",
            "bramble_job_duration_seconds_count",
            "bramble_join_wait_seconds_count",
            "kafka_consumer_fetch_manager_records_lag_max");
    assertThat(counter(scrape, "bramble_jobs_completed_total")).isPositive();
  }

  private static double counter(String scrape, String name) {
    return scrape
        .lines()
        .filter(l -> l.startsWith(name + " ") || l.startsWith(name + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  @Test
  void aCompletedJobsCheckpointsAreTombstoned() throws Exception {
    String appId = "cleanup-" + UUID.randomUUID();
    client.submit(JobClient.request(appId, "fanout", State.of("n", 4, "sleep_ms", 0), Map.of()));
    assertThat(client.await(appId, Duration.ofMinutes(1), null).status())
        .isEqualTo(JobStatus.COMPLETED);
    String checkpoints = cluster.cluster().topics().checkpoints();
    List<String> childIds = childAppIds(appId);
    assertThat(childIds).hasSize(4);
    for (String id : concat(appId, childIds)) {
      List<ConsumerRecord<String, byte[]>> records = recordsFor(checkpoints, id);
      assertThat(records).as("checkpoints of %s", id).hasSizeGreaterThan(1);
      assertThat(records.get(records.size() - 1).value())
          .as("last checkpoint record of %s", id)
          .isNull();
    }
  }

  private List<String> childAppIds(String rootAppId) {
    var decoder = BrambleSerdes.forType(FanOut.class, cluster.schemas());
    String fanouts = cluster.cluster().topics().fanouts();
    return recordsFor(fanouts, rootAppId).stream()
        .flatMap(r -> decoder.deserialize(fanouts, r.value()).getChildren().stream())
        .map(Task::getAppId)
        .toList();
  }

  private static List<String> concat(String first, List<String> rest) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(rest);
    return all;
  }

  @Test
  void existingTopicsWithWrongSettingsAreReportedByName() throws Exception {
    var topics = new Topics("wrong.");
    try (var admin = Admin.create(cluster.cluster().clientProps())) {
      admin.createTopics(List.of(new NewTopic(topics.checkpoints(), 1, (short) 1))).all().get();
    }
    Assertions.assertThatThrownBy(() -> TopicSetup.ensure(cluster.cluster().withTopics(topics)))
        .hasMessageContaining(
            "topic wrong.checkpoints has cleanup.policy=delete but must be compacted");
  }

  @Test
  void aCancellationOnTheCheckpointsTopicStaysReadableAWhileBeforeCompaction() throws Exception {
    var checkpoints =
        new ConfigResource(ConfigResource.Type.TOPIC, cluster.cluster().topics().checkpoints());
    try (var admin = Admin.create(cluster.cluster().clientProps())) {
      var config = admin.describeConfigs(List.of(checkpoints)).all().get().get(checkpoints);
      assertThat(config.get(TopicConfig.MIN_COMPACTION_LAG_MS_CONFIG).value())
          .isEqualTo(Long.toString(Topics.CANCELLATIONS_READABLE.toMillis()));
    }
  }

  /** Every record with {@code key} on {@code topic}, read committed from the beginning. */
  private List<ConsumerRecord<String, byte[]>> recordsFor(String topic, String key) {
    return TopicReader.readAll(cluster.cluster(), topic, Duration.ofSeconds(30)).stream()
        .filter(r -> key.equals(r.key()))
        .toList();
  }
}
