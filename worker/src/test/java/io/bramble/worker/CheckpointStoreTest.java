package io.bramble.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.persistence.PersistedState;
import io.bramble.core.persistence.Status;
import io.bramble.core.state.State;
import io.bramble.embedded.EmbeddedKafka;
import io.bramble.runtime.Records;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.ValueFetcher;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.CheckpointStatus;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's view of the checkpoints topic, against a real broker: only the partitions it owns,
 * caught up on when they are assigned, dropped when they move, finished apps forgotten.
 */
class CheckpointStoreTest {
  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final AtomicInteger TOPICS = new AtomicInteger();

  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static KafkaProducer<String, byte[]> producer;

  private final AvroSerde<Checkpoint> serde =
      BrambleSerdes.forType(Checkpoint.class, new InMemorySchemaRegistry());
  private final List<String> undecodable = new CopyOnWriteArrayList<>();
  private final List<CheckpointStore> stores = new ArrayList<>();
  private String topic;

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
      admin.createTopics(List.of(new NewTopic(topic, 2, (short) 1))).all().get();
    }
  }

  @AfterEach
  void closeStores() {
    stores.forEach(CheckpointStore::close);
  }

  private CheckpointStore store(String writer) {
    CheckpointStore s =
        new CheckpointStore(
            Map.of("bootstrap.servers", kafka.bootstrapServers()),
            topic,
            serde,
            "worker-" + writer,
            writer,
            (record, reason) -> undecodable.add(record.offset() + ": " + reason),
            ValueFetcher.NONE);
    s.start();
    stores.add(s);
    return s;
  }

  /** Writes a record to {@code partition}, as process {@code writer} when not null. */
  private long write(int partition, String key, byte[] value, String writer) throws Exception {
    ProducerRecord<String, byte[]> r = new ProducerRecord<>(topic, partition, key, value);
    if (writer != null) {
      r.headers().add(CheckpointStore.WRITER_HEADER, writer.getBytes(StandardCharsets.UTF_8));
    }
    return producer.send(r).get().offset();
  }

  private byte[] checkpoint(String appId, long sequenceId) {
    return serde.serialize(
        topic,
        Checkpoint.newBuilder()
            .setAppId(appId)
            .setSequenceId(sequenceId)
            .setPosition("step")
            .setState(StateCodec.toAvro(State.of("n", sequenceId)))
            .setStatus(CheckpointStatus.COMPLETED)
            .setWrittenAtMs(0)
            .build());
  }

  private static long sequenceOf(CheckpointStore store, String appId) {
    return store.latest(appId, 0).map(PersistedState::sequenceId).orElse(-1L);
  }

  /** Waits until {@code store} holds step {@code sequenceId} of {@code appId}. */
  private static void awaitSequence(CheckpointStore store, String appId, long sequenceId)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (sequenceOf(store, appId) != sequenceId && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(sequenceOf(store, appId)).isEqualTo(sequenceId);
  }

  @Test
  void aNewlyOwnedPartitionIsReadToItsEndBeforeItsTasksGoOn() throws Exception {
    write(0, "app-1", checkpoint("app-1", 3), "someone-else");
    write(0, "app-1", checkpoint("app-1", 4), "someone-else");
    CheckpointStore store = store("me");

    store.assigned(tasks(0));
    store.awaitCaughtUp(task(0), WAIT);

    assertThat(sequenceOf(store, "app-1")).isEqualTo(4);
  }

  @Test
  void onlyTheCheckpointPartitionsOfOwnedTaskPartitionsAreRead() throws Exception {
    for (int i = 0; i < 5; i++) {
      write(0, "app-a" + i, checkpoint("app-a" + i, 1), null);
      write(1, "app-b" + i, checkpoint("app-b" + i, 1), null);
    }
    write(1, "app-b9", checkpoint("app-b9", 1), null);
    CheckpointStore first = store("w1");
    CheckpointStore second = store("w2");

    first.assigned(tasks(0));
    second.assigned(tasks(1));
    first.awaitCaughtUp(task(0), WAIT);
    second.awaitCaughtUp(task(1), WAIT);

    assertThat(first.recordsRead()).isEqualTo(5);
    assertThat(second.recordsRead()).isEqualTo(6);
    assertThat(first.latest("app-a0", 0)).isPresent();
    assertThat(first.latest("app-b0", 0)).isEmpty();
    assertThat(second.appsHeld()).isEqualTo(6);
  }

  @Test
  void aPartitionHandedToAnotherWorkerIsDroppedWithItsAppsAndTheNewOwnerReadsItsCheckpoints()
      throws Exception {
    CheckpointStore first = store("w1");
    first.assigned(tasks(0, 1));
    first.awaitCaughtUp(task(0), WAIT);
    first.remember(0, state("app-0", 7), "1");
    write(0, "app-0", checkpoint("app-0", 7), "w1");
    first.remember(1, state("app-1", 2), "1");
    write(1, "app-1", checkpoint("app-1", 2), "w1");

    // A rebalance: w1 gives back both, gets partition 1 back, partition 0 goes to w2.
    first.revoked(tasks(0, 1));
    first.assigned(tasks(1));
    CheckpointStore second = store("w2");
    second.assigned(tasks(0));
    second.awaitCaughtUp(task(0), WAIT);

    assertThat(first.owned()).containsExactly(1);
    assertThat(first.latest("app-0", 0)).isEmpty();
    assertThat(sequenceOf(first, "app-1")).isEqualTo(2);
    assertThat(sequenceOf(second, "app-0")).isEqualTo(7);
    assertThatThrownBy(() -> first.awaitCaughtUp(task(0), WAIT))
        .isInstanceOf(TaskRevokedException.class)
        .hasMessageContaining("partition 0");
  }

  @Test
  void aWorkerOfTwoPoolsReadsACheckpointPartitionOnceAndKeepsItWhileEitherPoolOwnsIt()
      throws Exception {
    write(0, "app-0", checkpoint("app-0", 3), "someone-else");
    CheckpointStore store = store("w1");
    store.assigned(tasks(0));
    store.awaitCaughtUp(task(0), WAIT);
    long read = store.recordsRead();

    store.assigned(List.of(new TopicPartition("tasks.gpu", 0)));
    store.awaitCaughtUp(new TopicPartition("tasks.gpu", 0), WAIT);
    // Written in the other pool as the app moves: read live, not caught up again.
    write(0, "app-0", checkpoint("app-0", 4), "a-gpu-worker");
    awaitSequence(store, "app-0", 4);
    assertThat(store.recordsRead()).isEqualTo(read + 1);

    store.lost(tasks(0));
    assertThat(store.owned()).containsExactly(0);
    assertThat(sequenceOf(store, "app-0")).isEqualTo(4);
    assertThatThrownBy(() -> store.awaitCaughtUp(task(0), WAIT))
        .isInstanceOf(TaskRevokedException.class);

    store.lost(List.of(new TopicPartition("tasks.gpu", 0)));
    assertThat(store.owned()).isEmpty();
    assertThat(store.latest("app-0", 0)).isEmpty();
  }

  @Test
  void aCancelledAppStopsForRequestsBeforeItsCancellationAlsoAfterItsJobsCleanUp()
      throws Exception {
    CheckpointStore store = store("w1");
    store.assigned(tasks(0));
    store.awaitCaughtUp(task(0), WAIT);
    write(0, "child-1", checkpoint("child-1", 2), "w2");
    awaitSequence(store, "child-1", 2);

    write(0, "child-1", serde.serialize(topic, Records.cancelled("child-1", null, 5_000)), null);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!store.isCancelled("child-1", 4_000) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(store.isCancelled("child-1", 4_000)).as("a task of the cancelled run").isTrue();
    assertThat(store.isCancelled("child-1", 6_000)).as("a later request, a retry").isFalse();
    assertThat(store.latest("child-1", 0)).as("its checkpoint is not resumed from").isEmpty();

    // The job's clean-up follows at once: the cancellation outlives it, for a child still running.
    write(0, "child-1", null, null);
    write(0, "other", checkpoint("other", 1), "w2");
    awaitSequence(store, "other", 1);
    assertThat(store.isCancelled("child-1", 4_000)).isTrue();

    store.forgetCancellationsReadBefore(System.currentTimeMillis() + 1);
    assertThat(store.isCancelled("child-1", 4_000)).isFalse();
  }

  @Test
  void anAppOfACancelledJobStopsWhateverRequestItsTaskFollows() throws Exception {
    CheckpointStore store = store("w1");
    store.assigned(tasks(0));
    store.awaitCaughtUp(task(0), WAIT);
    write(0, "job-1", serde.serialize(topic, Records.cancelled("job-1", null)), null);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!store.isCancelled("job-1", 0) && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(store.isCancelled("job-1", System.currentTimeMillis() + 3_600_000))
        .as("a resume made by a client whose clock runs an hour ahead")
        .isTrue();
    // Remembered from when it was read, not from a clock of its own.
    store.forgetCancellationsReadBefore(System.currentTimeMillis() - 60_000);
    assertThat(store.isCancelled("job-1", 0)).isTrue();
  }

  @Test
  void aLostPartitionIsReadAfreshWhenItComesBack() throws Exception {
    CheckpointStore store = store("w1");
    store.assigned(tasks(0));
    store.awaitCaughtUp(task(0), WAIT);
    store.lost(tasks(0));
    // Written by the worker that owned it meanwhile.
    write(0, "app-0", checkpoint("app-0", 5), "w2");

    store.assigned(tasks(0));
    store.awaitCaughtUp(task(0), WAIT);

    assertThat(sequenceOf(store, "app-0")).isEqualTo(5);
  }

  @Test
  void aFinishedAppIsForgottenItsEchoDoesNotReviveItAndItIsReadBackOnlyIfAskedForAgain()
      throws Exception {
    CheckpointStore store = store("w1");
    store.assigned(tasks(0));
    store.awaitCaughtUp(task(0), WAIT);
    long last = -1;
    for (long step = 1; step <= 3; step++) {
      store.remember(0, state("app-0", step), "1");
      last = write(0, "app-0", checkpoint("app-0", step), "w1");
    }
    store.forget("app-0", last);
    // A checkpoint after them, from another process, proves the reader went past them.
    write(0, "app-other", checkpoint("app-other", 1), "w2");
    awaitSequence(store, "app-other", 1);

    assertThat(store.appsHeld()).isEqualTo(1);
    assertThat(store.recordsRead()).isEqualTo(4);
    // The next task of the app (a continuation at step 4) has no use for it: nothing is read.
    assertThat(store.latest("app-0", 4)).isEmpty();
    // The finished task delivered again (a crash before its offset commit) gets it back.
    assertThat(sequenceOf(store, "app-0")).isEqualTo(3);
    assertThat(store.appsHeld()).isEqualTo(2);
  }

  @Test
  void theVersionThatWroteAnAppsCheckpointIsKnownReadWrittenHereOrReadBack() throws Exception {
    write(
        0,
        "app-read",
        serde.serialize(
            topic,
            Checkpoint.newBuilder()
                .setAppId("app-read")
                .setSequenceId(5)
                .setPosition("step")
                .setState(StateCodec.toAvro(State.empty()))
                .setStatus(CheckpointStatus.COMPLETED)
                .setWrittenAtMs(0)
                .setGraphVersion("2")
                .build()),
        "w0");
    CheckpointStore store = store("w1");
    store.assigned(tasks(0));
    store.awaitCaughtUp(task(0), WAIT);

    assertThat(store.graphVersionOf("app-read", 5)).contains("2");
    assertThat(store.graphVersionOf("app-read", 6))
        .as("behind the task: not its version")
        .isEmpty();
    assertThat(store.graphVersionOf("app-1", 0)).as("no checkpoint").isEmpty();
    store.remember(0, state("app-here", 1), "3");
    assertThat(store.graphVersionOf("app-here", 1)).contains("3");
    assertThat(store.graphVersionOf("app-unrecorded", 0)).isEmpty();
  }

  @Test
  void aTombstoneForgetsTheApp() throws Exception {
    CheckpointStore store = store("w1");
    store.assigned(tasks(0));
    store.awaitCaughtUp(task(0), WAIT);
    write(0, "app-1", checkpoint("app-1", 2), "w0");
    awaitSequence(store, "app-1", 2);

    write(0, "app-1", null, null);
    awaitSequence(store, "app-1", -1);
  }

  @Test
  void anUndecodableCheckpointIsHandedOnWithItsReasonAndTheNextOnesStillCount() throws Exception {
    write(0, "app-1", "not avro".getBytes(StandardCharsets.UTF_8), null);
    write(0, "app-2", checkpoint("app-2", 1), null);
    CheckpointStore store = store("w1");

    store.assigned(tasks(0));
    store.awaitCaughtUp(task(0), WAIT);

    assertThat(undecodable).singleElement().asString().startsWith("0: ");
    assertThat(store.latest("app-1", 0)).isEmpty();
    assertThat(store.latest("app-2", 0)).isPresent();
  }

  @Test
  void aReaderThatStopsIsReportedAndFailsTheTasksWaitingForIt() throws Exception {
    MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
    TopicPartition p0 = new TopicPartition(topic, 0);
    consumer.updateBeginningOffsets(Map.of(p0, 0L));
    consumer.updateEndOffsets(Map.of(p0, 0L));
    consumer.setPollException(new KafkaException("the broker went away for good"));
    CheckpointStore store =
        new CheckpointStore(
            consumer,
            Map.of(),
            topic,
            serde,
            "worker-1",
            "w1",
            (r, reason) -> {},
            ValueFetcher.NONE);
    stores.add(store);
    store.start();
    store.assigned(tasks(0));
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (store.failure().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }

    assertThat(store.failure())
        .hasValueSatisfying(e -> assertThat(e).hasMessageContaining("the broker went away"));
    assertThatThrownBy(() -> store.awaitCaughtUp(task(0), WAIT))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("checkpoint reader of " + topic + " stopped");
  }

  /** Partitions of the default pool's tasks topic (their checkpoints: the same numbers). */
  private static List<TopicPartition> tasks(Integer... partitions) {
    return Arrays.stream(partitions).map(CheckpointStoreTest::task).toList();
  }

  private static TopicPartition task(int partition) {
    return new TopicPartition("tasks", partition);
  }

  private static PersistedState state(String appId, long sequenceId) {
    return new PersistedState(
        null, appId, sequenceId, "step", State.of("n", sequenceId), Status.COMPLETED);
  }
}
