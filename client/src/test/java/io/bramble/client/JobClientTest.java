package io.bramble.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.state.State;
import io.bramble.embedded.EmbeddedKafka;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.TopicSetup;
import io.bramble.runtime.Topics;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The client's results against a real broker, written to job-results as the coordinator writes
 * them: none is missed, whenever it arrives.
 */
class JobClientTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger PREFIXES = new AtomicInteger();

  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static KafkaProducer<String, byte[]> producer;

  private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
  private final AvroSerde<io.bramble.schemas.avro.JobResult> serde =
      BrambleSerdes.forType(io.bramble.schemas.avro.JobResult.class, schemas);
  private ClusterConfig cluster;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().dataDir(dir).build().start();
    producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  @AfterAll
  static void stopBroker() {
    producer.close();
    kafka.close();
  }

  @BeforeEach
  void createTopics() {
    cluster =
        ClusterConfig.of(kafka.bootstrapServers(), "http://unused")
            .withTopics(new Topics("t" + PREFIXES.incrementAndGet() + "."))
            .withPartitions(2);
    TopicSetup.ensure(cluster);
  }

  private void writeResult(String appId, JobStatus status, long submittedAtMs) throws Exception {
    io.bramble.schemas.avro.JobResult result =
        io.bramble.schemas.avro.JobResult.newBuilder()
            .setAppId(appId)
            .setGraph("g")
            .setStatus(io.bramble.schemas.avro.JobStatus.valueOf(status.name()))
            .setState(StateCodec.toAvro(State.of("n", submittedAtMs)))
            .setError(null)
            .setSubmittedAtMs(submittedAtMs)
            .setFinishedAtMs(submittedAtMs + 1)
            .setSteps(1)
            .build();
    String topic = cluster.topics().jobResults();
    producer.send(new ProducerRecord<>(topic, appId, serde.serialize(topic, result))).get();
  }

  private static JobRequest job(String appId, long submittedAtMs) {
    JobRequest job = JobClient.request(appId, "g", State.empty(), Map.of());
    job.setSubmittedAtMs(submittedAtMs);
    return job;
  }

  @Test
  void aResultWrittenBeforeTheClientStartedIsFound() throws Exception {
    writeResult("old-job", JobStatus.COMPLETED, 10);
    try (JobClient client = new JobClient(cluster, schemas)) {
      JobResult old = client.await("old-job", WAIT, null);
      assertThat(old.submittedAt().toEpochMilli()).isEqualTo(10);
      assertThat(old.state().getLong("n")).as("its state, Bramble's State").isEqualTo(10);
    }
  }

  @Test
  void aResultThatArrivesBetweenSubmitAndAwaitIsFound() throws Exception {
    try (JobClient client = new JobClient(cluster, schemas)) {
      // Another job's result, written after this one's, shows the client has read past it.
      writeResult("quick-job", JobStatus.COMPLETED, 20);
      writeResult("marker", JobStatus.COMPLETED, 21);
      client.await("marker", WAIT, null);

      assertThat(client.await(job("quick-job", 20), WAIT, null).status())
          .isEqualTo(JobStatus.COMPLETED);
    }
  }

  @Test
  void aResultThatArrivesWhileWaitingIsFoundAndManyWaitsAreAnsweredByOneConsumer()
      throws Exception {
    try (JobClient client = new JobClient(cluster, schemas)) {
      CompletableFuture<JobResult> first = client.resultOf(job("job-1", 30));
      CompletableFuture<JobResult> second = client.resultOf(job("job-2", 30));
      writeResult("job-2", JobStatus.COMPLETED, 30);
      writeResult("job-1", JobStatus.COMPLETED, 30);

      assertThat(first.get(30, TimeUnit.SECONDS).appId()).isEqualTo("job-1");
      assertThat(second.get(30, TimeUnit.SECONDS).appId()).isEqualTo("job-2");
    }
  }

  @Test
  void theFailedResultOfAnEarlierSubmissionDoesNotAnswerItsRetry() throws Exception {
    writeResult("retried", JobStatus.FAILED, 40);
    try (JobClient client = new JobClient(cluster, schemas)) {
      CompletableFuture<JobResult> retry = client.resultOf(job("retried", 41));
      writeResult("marker", JobStatus.COMPLETED, 1);
      client.await("marker", WAIT, null);
      assertThat(retry).isNotDone();

      writeResult("retried", JobStatus.COMPLETED, 41);

      assertThat(retry.get(30, TimeUnit.SECONDS).status()).isEqualTo(JobStatus.COMPLETED);
    }
  }

  @Test
  void aWaitWithoutResultTimesOutNamingTheJob() throws Exception {
    try (JobClient client = new JobClient(cluster, schemas)) {
      assertThatThrownBy(() -> client.await("never", Duration.ofMillis(300), null))
          .isInstanceOf(TimeoutException.class)
          .hasMessageContaining("never");
    }
  }

  @Test
  void anOldResultNoLongerKeptDecodedIsReadBackFromTheTopic() throws Exception {
    // One partition: once "later-4" is read, every result before it has been read too.
    cluster =
        cluster.withTopics(new Topics("one" + PREFIXES.incrementAndGet() + ".")).withPartitions(1);
    TopicSetup.ensure(cluster);
    writeResult("oldest", JobStatus.COMPLETED, 50);
    for (int i = 0; i < 5; i++) {
      writeResult("later-" + i, JobStatus.COMPLETED, 51);
    }
    try (JobResults results =
        new JobResults(
            cluster.clientProps(), cluster.topics().jobResults(), serde, /* recentKept= */ 2)) {
      assertThat(results.resultOf("later-4", 0).get(30, TimeUnit.SECONDS).getAppId())
          .isEqualTo("later-4");

      assertThat(results.resultOf("oldest", 0).get(30, TimeUnit.SECONDS).getSubmittedAtMs())
          .isEqualTo(50);
    }
  }
}
