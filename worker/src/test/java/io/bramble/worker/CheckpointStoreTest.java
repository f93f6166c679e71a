package io.bramble.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.state.State;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.CheckpointStatus;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The worker's view of the checkpoints topic, read through Kafka's own {@link MockConsumer}. */
class CheckpointStoreTest {
  private static final String TOPIC = "bramble.checkpoints";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);

  private final AvroSerde<Checkpoint> serde =
      BrambleSerdes.forType(Checkpoint.class, new InMemorySchemaRegistry());
  private final MockConsumer<String, byte[]> consumer = new MockConsumer<>("earliest");
  private final List<String> undecodable = new CopyOnWriteArrayList<>();
  private CheckpointStore store;
  private long offset;

  @BeforeEach
  void start() {
    Node node = new Node(0, "localhost", 9092);
    consumer.updatePartitions(
        TOPIC, List.of(new PartitionInfo(TOPIC, 0, node, new Node[] {node}, new Node[] {node})));
    consumer.updateBeginningOffsets(Map.of(P0, 0L));
    consumer.updateEndOffsets(Map.of(P0, 0L));
    store =
        new CheckpointStore(
            consumer,
            TOPIC,
            serde,
            "worker-1",
            (record, reason) -> undecodable.add(record.offset() + ": " + reason));
    store.start();
  }

  @AfterEach
  void stop() {
    store.close();
  }

  /** Appends {@code value} as the next record and moves the topic's end past it. */
  private void append(String key, byte[] value) {
    consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset++, key, value));
    consumer.updateEndOffsets(Map.of(P0, offset));
  }

  private byte[] checkpoint(String appId, long sequenceId) {
    return serde.serialize(
        TOPIC,
        Checkpoint.newBuilder()
            .setAppId(appId)
            .setSequenceId(sequenceId)
            .setPosition("step")
            .setState(StateCodec.toAvro(State.of("n", sequenceId)))
            .setStatus(CheckpointStatus.COMPLETED)
            .setWrittenAtMs(0)
            .build());
  }

  private void caughtUp() throws InterruptedException {
    store.awaitBarrier(store.requestBarrier(), Duration.ofSeconds(30));
  }

  @Test
  void aBarrierWaitsUntilTheCheckpointsWrittenBeforeItAreRead() throws Exception {
    append("app-1", checkpoint("app-1", 3));
    append("app-1", checkpoint("app-1", 4));

    caughtUp();

    assertThat(store.latest("app-1"))
        .hasValueSatisfying(p -> assertThat(p.sequenceId()).isEqualTo(4));
  }

  @Test
  void anUndecodableCheckpointIsHandedOnWithItsReasonAndTheNextOnesStillCount() throws Exception {
    append("app-1", "not avro".getBytes(StandardCharsets.UTF_8));
    append("app-2", checkpoint("app-2", 1));

    caughtUp();

    assertThat(undecodable).singleElement().asString().startsWith("0: ");
    assertThat(store.latest("app-1")).isEmpty();
    assertThat(store.latest("app-2")).isPresent();
  }

  @Test
  void aTombstoneForgetsTheApp() throws Exception {
    append("app-1", checkpoint("app-1", 2));
    append("app-1", null);

    caughtUp();

    assertThat(store.latest("app-1")).isEmpty();
  }

  @Test
  void aReaderThatStopsIsReportedAndFailsTheTasksWaitingForIt() throws Exception {
    consumer.setPollException(new KafkaException("the broker went away for good"));
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (store.failure().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }

    assertThat(store.failure())
        .hasValueSatisfying(e -> assertThat(e).hasMessageContaining("the broker went away"));
    assertThatThrownBy(this::caughtUp)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("checkpoint reader of " + TOPIC + " stopped");
  }
}
