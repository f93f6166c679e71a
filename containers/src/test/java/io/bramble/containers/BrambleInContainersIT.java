package io.bramble.containers;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobClient;
import io.bramble.client.JobClient.Progress;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.state.State;
import io.bramble.examples.collatz.Collatz;
import io.bramble.examples.poems.OfflinePoemModel;
import io.bramble.examples.poems.Poems;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.SchemaRegistryClient;
import io.bramble.schemas.serde.BrambleSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;

/**
 * Bramble as deployed: the broker, the schema registry, the coordinator and three workers, each in
 * a container of its own on one Docker network (see {@link BrambleCluster}). Jobs end in the state
 * the in-JVM run ends in, also when, mid-job, a worker is cut off the network or paused, the
 * coordinator is killed and restarted or the broker is paused; a fourth worker started mid-job
 * takes part of the load. One cluster serves every test, in order.
 *
 * <p>"Nothing lost": the job completes with every child's result in its final state (the same as
 * locally, in task order). "Nothing counted twice": the join reports exactly {@code n/n} children
 * and the job has exactly one result record.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BrambleInContainersIT {
  private static final Logger LOG = LoggerFactory.getLogger(BrambleInContainersIT.class);
  private static final long FROM = 1;
  private static final long TO = 500;
  private static final long CHILDREN = TO - FROM + 1;

  /**
   * Tasks per worker at once: low, so that a 500-child job lasts long enough for a fault to land
   * mid-job.
   */
  private static final int CONCURRENCY = Integer.getInteger("containers.concurrency", 2);

  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(3);

  private BrambleCluster cluster;
  private JobClient client;
  private State collatzLocally;

  @BeforeAll
  void start() {
    cluster = BrambleCluster.start(3, CONCURRENCY);
    client = cluster.client();
    collatzLocally = Collatz.application(FROM, TO).run().state();
  }

  @AfterAll
  void stop() {
    if (cluster != null) {
      LOG.info(
          "workers the supervisor restarted because they were not ready: {}", cluster.restarts());
    }
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /**
   * Before each test every worker is ready (the supervisor restarts one whose task consumer
   * stopped).
   */
  @BeforeEach
  void everyWorkerReady() throws InterruptedException {
    for (String id : cluster.workerIds()) {
      assertThat(cluster.awaitReady(cluster.worker(id), 8091, Duration.ofSeconds(120)))
          .as("%s ready", id)
          .isTrue();
    }
  }

  /** A submitted job, followed from another thread. */
  private record Job(
      String appId,
      CompletableFuture<JobResult> result,
      AtomicReference<Progress> progress,
      long submittedAtNanos) {
    long done() {
      Progress p = progress.get();
      return p == null ? 0 : p.done();
    }

    double seconds() {
      return (System.nanoTime() - submittedAtNanos) / 1e9;
    }
  }

  private Job submit(String appId, String graph, State state, Map<String, ?> inputs) {
    return submit(appId, graph, state, inputs, true);
  }

  /**
   * Submits a job and awaits its result on another thread; with {@code follow}, also its join
   * progress, which reads the events topic from its beginning (CPU the containers then lack).
   */
  private Job submit(
      String appId, String graph, State state, Map<String, ?> inputs, boolean follow) {
    AtomicReference<Progress> progress = new AtomicReference<>();
    long t0 = System.nanoTime();
    client.submit(JobClient.request(appId, graph, state, inputs));
    CompletableFuture<JobResult> result =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return client.await(appId, JOB_TIMEOUT, follow ? progress::set : null);
              } catch (Exception e) {
                throw new IllegalStateException(
                    "no result for " + appId + " within " + JOB_TIMEOUT, e);
              }
            });
    return new Job(appId, result, progress, t0);
  }

  private Job submitCollatz(String appId) {
    return submit(appId, "collatz", Collatz.initialState(FROM, TO), Map.of());
  }

  /**
   * Waits until {@code children} children of {@code job} have reported; the job must still be
   * running.
   */
  private void awaitChildrenDone(Job job, long children) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (job.done() < children && !job.result().isDone() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(job.result())
        .as("%s ended before the fault (%s)", job.appId(), job.progress().get())
        .isNotDone();
    assertThat(job.done())
        .as("children of %s done before the fault", job.appId())
        .isGreaterThanOrEqualTo(children);
    LOG.info(
        "{}: fault at {} children, {} s after submitting",
        job.appId(),
        job.progress().get(),
        String.format("%.1f", job.seconds()));
  }

  private JobResult completed(Job job) throws Exception {
    JobResult result = job.result().get(JOB_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
    LOG.info(
        "{}: {} after {} s", job.appId(), result.status(), String.format("%.1f", job.seconds()));
    assertThat(result.status())
        .as("%s: error %s", job.appId(), result.error())
        .isEqualTo(JobStatus.COMPLETED);
    return result;
  }

  /**
   * Nothing lost, nothing counted twice: the in-JVM final state, the join at n/n, one result
   * record.
   */
  private void assertCollatzEndedAsInTheJvm(Job job) throws Exception {
    JobResult result = completed(job);
    State state = result.state();
    assertThat(state.getMap("lengths")).as("%s: lengths", job.appId()).hasSize((int) CHILDREN);
    assertThat(state).as("%s: final state", job.appId()).isEqualTo(collatzLocally);
    assertJoinedEveryChildOnce(job.appId(), CHILDREN);
    assertThat(resultRecords(job.appId()))
        .as("%s: records on job-results", job.appId())
        .isEqualTo(1);
  }

  @Test
  @Order(1)
  void aPoemsJobEndsInTheInJvmFinalState() throws Exception {
    Map<String, Object> inputs = Poems.inputs(List.of("sonnet", "limerick", "haiku"), "the sea", 2);
    State local = Poems.application(new OfflinePoemModel()).run(inputs).state();
    Job job = submit("poems-containers", "poems", State.empty(), inputs);
    State distributed = completed(job).state();
    assertThat(distributed).isEqualTo(local);
    assertThat(distributed.getString("final_results")).contains("sonnet", "limerick", "haiku");
  }

  @Test
  @Order(2)
  void aFiveHundredChildJobEndsInTheInJvmFinalState() throws Exception {
    Map<String, Double> before = tasksCompleted();
    Job job = submitCollatz("collatz-500");
    assertCollatzEndedAsInTheJvm(job);
    Map<String, Double> after = tasksCompleted();
    for (String id : List.of("w1", "w2", "w3")) {
      assertThat(after.get(id) - before.get(id))
          .as("tasks %s completed (before %s, after %s)", id, before, after)
          .isPositive();
    }
  }

  @Test
  @Order(3)
  void aWorkerCutOffTheNetworkMidJobLosesNothingOnceReconnected() throws Exception {
    Job job = submitCollatz("collatz-disconnected-worker");
    awaitChildrenDone(job, 50);
    GenericContainer<?> w1 = cluster.worker("w1");
    cluster.faulted("w1");
    try {
      cluster.disconnect(w1);
      Thread.sleep(
          7_000); // beyond the worker's 6 s session timeout: its partitions move to w2 and w3
      LOG.info("{}: reconnecting w1 at {} children", job.appId(), job.progress().get());
    } finally {
      cluster.reconnect(w1, "w1");
      cluster.healed("w1");
    }
    assertCollatzEndedAsInTheJvm(job);
  }

  @Test
  @Order(4)
  void aWorkerPausedMidJobLosesNothingOnceUnpaused() throws Exception {
    Job job = submitCollatz("collatz-paused-worker");
    awaitChildrenDone(job, 50);
    GenericContainer<?> w2 = cluster.worker("w2");
    cluster.faulted("w2");
    try {
      cluster.pause(w2);
      Thread.sleep(8_000);
      cluster.unpause(w2);
    } finally {
      cluster.healed("w2");
    }
    assertCollatzEndedAsInTheJvm(job);
  }

  @Test
  @Order(5)
  void theCoordinatorKilledAndRestartedMidJobLosesNothingAndCountsNothingTwice() throws Exception {
    Job job = submitCollatz("collatz-coordinator-killed");
    awaitChildrenDone(job, 50);
    GenericContainer<?> coordinator = cluster.coordinator();
    cluster.kill(coordinator);
    try {
      assertThat(cluster.running(coordinator)).isFalse();
      Thread.sleep(2_000);
    } finally {
      cluster.restart(coordinator);
    }
    assertCollatzEndedAsInTheJvm(job);
    assertThat(cluster.awaitReady(coordinator, 8090, Duration.ofSeconds(30)))
        .as("restarted coordinator ready")
        .isTrue();
  }

  @Test
  @Order(6)
  void theBrokerPausedForAFewSecondsMidJobLosesNothing() throws Exception {
    Job job = submitCollatz("collatz-broker-paused");
    awaitChildrenDone(job, 50);
    cluster.pause(cluster.kafka());
    try {
      Thread.sleep(5_000);
    } finally {
      cluster.unpause(cluster.kafka());
    }
    assertCollatzEndedAsInTheJvm(job);
  }

  @Test
  @Order(7)
  void aFourthWorkerStartedMidJobTakesPartOfTheLoad() throws Exception {
    // 3000 children (about 15 s of work; a fan-out record of ~700 KB, under Kafka's 1 MB): the job
    // must outlast w4's start (a JVM starting in a container, ~5 s next to three busy workers) and
    // the rebalance that gives it partitions.
    long to = 3000;
    State local = Collatz.application(FROM, to).run().state();
    Job job = submit("collatz-scaled", "collatz", Collatz.initialState(FROM, to), Map.of(), false);
    Thread.sleep(1_000);
    assertThat(job.result()).as("the job is running when w4 starts").isNotDone();
    cluster.startWorker("w4");
    LOG.info(
        "{}: w4 ready {} s after submitting; the job is {}",
        job.appId(),
        String.format("%.1f", job.seconds()),
        job.result().isDone() ? "done" : "still running");
    State state = completed(job).state();
    assertThat(state).as("final state").isEqualTo(local);
    assertJoinedEveryChildOnce(job.appId(), to);
    assertThat(resultRecords(job.appId())).isEqualTo(1);
    Map<String, Double> tasks = tasksCompleted();
    LOG.info("{}: tasks completed by each worker since it started: {}", job.appId(), tasks);
    assertThat(tasks.get("w4"))
        .as("tasks completed by w4 (all of them this job's), of %s", tasks)
        .isPositive();
  }

  /**
   * {@code bramble_tasks_completed_total} of each worker, from its {@code /metrics} (reset when it
   * restarts).
   */
  private Map<String, Double> tasksCompleted() {
    Map<String, Double> tasks = new TreeMap<>();
    for (String id : cluster.workerIds()) {
      tasks.put(id, cluster.metric(cluster.worker(id), 8091, "bramble_tasks_completed_total"));
    }
    return tasks;
  }

  /**
   * The coordinator's join progress events of {@code rootAppId} (JOIN_PROGRESS, on the events topic
   * under the parent's key): they reach {@code children} of {@code children}, and never count more
   * children than there are, so no child's result entered the join twice.
   */
  private void assertJoinedEveryChildOnce(String rootAppId, long children) {
    String topic = cluster.config().topics().events();
    var serde =
        BrambleSerdes.forType(
            TrackingEvent.class, SchemaRegistryClient.builder(cluster.registryUrl()).build());
    long maxDone = -1;
    long total = -1;
    int progressEvents = 0;
    for (ConsumerRecord<String, byte[]> r : recordsFor(topic, rootAppId)) {
      for (TrackingEvent e : TrackingEvents.unbatched(serde.deserialize(topic, r.value()))) {
        if (e.getKind() != EventKind.JOIN_PROGRESS || !rootAppId.equals(e.getAppId())) {
          continue;
        }
        long done = e.getDone();
        total = e.getTotal();
        assertThat(done)
            .as("%s: children joined, in a progress event", rootAppId)
            .isLessThanOrEqualTo(total);
        maxDone = Math.max(maxDone, done);
        progressEvents++;
      }
    }
    assertThat(progressEvents).as("%s: join progress events", rootAppId).isPositive();
    assertThat(new Progress(maxDone, total))
        .as("%s: join progress", rootAppId)
        .isEqualTo(new Progress(children, children));
  }

  /**
   * Records keyed {@code key} on {@code topic}, read committed from the beginning of the key's
   * partition.
   */
  private List<ConsumerRecord<String, byte[]>> recordsFor(String topic, String key) {
    Map<String, Object> props = new HashMap<>(cluster.config().clientProps());
    props.put("isolation.level", "read_committed");
    List<ConsumerRecord<String, byte[]>> found = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      int partitions = c.partitionsFor(topic).size();
      // the default partitioner's choice for a keyed record
      int partition =
          Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
      TopicPartition tp = new TopicPartition(topic, partition);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      boolean read =
          TopicReader.readToEnd(
              c,
              List.of(tp),
              Duration.ofSeconds(60),
              r -> {
                if (key.equals(r.key()) && r.value() != null) {
                  found.add(r);
                }
              });
      assertThat(read).as("read %s to its end", tp).isTrue();
    }
    return found;
  }

  /** Records keyed {@code appId} on job-results. */
  private int resultRecords(String appId) {
    return recordsFor(cluster.config().topics().jobResults(), appId).size();
  }
}
