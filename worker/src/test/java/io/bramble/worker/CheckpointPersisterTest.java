package io.bramble.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.persistence.Status;
import io.bramble.core.state.State;
import io.bramble.embedded.EmbeddedKafka;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.TopicReader;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.ValueFetcher;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A task run writes a checkpoint at most once per interval, its last step's always, a slow step's
 * always; this worker sees every step's at once (a real broker: what was written is read back).
 */
class CheckpointPersisterTest {
  private static final AtomicInteger TOPICS = new AtomicInteger();

  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static KafkaProducer<String, byte[]> producer;

  private final AvroSerde<Checkpoint> serde =
      BrambleSerdes.forType(Checkpoint.class, new InMemorySchemaRegistry());
  private String topic;
  private CheckpointStore store;

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
  void createTopic() throws Exception {
    topic = "checkpoints-" + TOPICS.incrementAndGet();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
    store =
        new CheckpointStore(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            topic,
            serde,
            "worker-1",
            "worker-1/test",
            (record, reason) -> {},
            ValueFetcher.NONE);
  }

  @AfterEach
  void closeStore() {
    store.close();
  }

  private static Task task() {
    return Task.newBuilder()
        .setTaskId("job-1@0")
        .setAppId("job-1")
        .setGraph("counter")
        .setGraphVersion("1")
        .setRootAppId("job-1")
        .setPosition("count")
        .setSequenceId(0)
        .setState(StateCodec.toAvro(State.empty()))
        .setInputs(StateCodec.fromMap(Map.of()))
        .build();
  }

  private CheckpointPersister persister(Duration interval) {
    return new CheckpointPersister(producer, serde, topic, store, 0, task(), interval);
  }

  private static void save(CheckpointPersister p, long sequenceId) {
    p.save("job-1", "job-1", sequenceId, "count", State.of("n", sequenceId), Status.COMPLETED);
  }

  /** The sequence ids of the checkpoints on the topic, in order. */
  private List<Long> written() {
    return TopicReader.readAll(
            ClusterConfig.of(kafka.bootstrapServers(), "http://localhost:1"),
            topic,
            Duration.ofSeconds(30))
        .stream()
        .map(r -> serde.deserialize(topic, r.value()).getSequenceId())
        .toList();
  }

  @Test
  void quickStepsWriteOneCheckpointTheLastAndThisWorkerSeesEachAtOnce() throws Exception {
    CheckpointPersister p = persister(Duration.ofHours(1));
    for (long step = 0; step < 4; step++) {
      save(p, step);
      assertThat(store.latest("job-1", 0).orElseThrow().sequenceId())
          .as("this worker resumes from step %d's checkpoint, written or not", step)
          .isEqualTo(step);
    }

    long offset = p.awaitWritten();

    assertThat(written()).containsExactly(3L);
    assertThat(offset).isZero();
  }

  @Test
  void aStepThatTakesLongerThanTheIntervalIsAlwaysCheckpointed() throws Exception {
    CheckpointPersister p = persister(Duration.ofMillis(50));
    for (long step = 0; step < 3; step++) {
      Thread.sleep(100); // the step's work
      save(p, step);
    }
    p.awaitWritten();

    assertThat(written()).containsExactly(0L, 1L, 2L);
  }

  @Test
  void aZeroIntervalWritesEveryStep() throws Exception {
    CheckpointPersister p = persister(Duration.ZERO);
    for (long step = 0; step < 3; step++) {
      save(p, step);
    }
    p.awaitWritten();

    assertThat(written()).containsExactly(0L, 1L, 2L);
  }
}
