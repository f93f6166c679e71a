package io.bramble.worker;

import io.bramble.core.persistence.PersistedState;
import io.bramble.core.persistence.Persister;
import io.bramble.core.persistence.Status;
import io.bramble.core.state.State;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.CheckpointStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The persister of one task: a step's checkpoint becomes a record on the compacted checkpoints
 * topic (keyed by app id) once {@code interval} has passed since the task's last one (or its
 * start), else it is held, replaced by the next step's; {@link #awaitWritten()} writes the one held
 * and blocks until every checkpoint of the task is acknowledged, before its outcome is published.
 * Every step's checkpoint is visible at once to this worker ({@link CheckpointStore#remember}), so
 * a retry here resumes from it; a worker that dies redoes the steps since the last one written.
 * Loads come from the {@link CheckpointStore}.
 */
final class CheckpointPersister implements Persister {
  private final Producer<String, byte[]> producer;
  private final AvroSerde<Checkpoint> serde;
  private final String topic;
  private final CheckpointStore store;
  private final int partition;
  private final Task task;
  private final long atLeast;
  private final long intervalNanos;
  private final List<Future<RecordMetadata>> pending = new ArrayList<>();
  private long lastOffset = -1;
  private long lastWrittenNanos = System.nanoTime();
  private ProducerRecord<String, byte[]> held; // the latest step's, not written yet

  /**
   * A persister for {@code task} of task partition {@code partition}: its checkpoints land in the
   * same partition of the checkpoints topic (both are keyed by app id, with equal partition
   * counts), name its job, graph and version, and only a checkpoint at its step or later is worth
   * loading; one is written at most every {@code interval} (zero: every step's).
   */
  CheckpointPersister(
      Producer<String, byte[]> producer,
      AvroSerde<Checkpoint> serde,
      String topic,
      CheckpointStore store,
      int partition,
      Task task,
      Duration interval) {
    this.producer = producer;
    this.serde = serde;
    this.topic = topic;
    this.store = store;
    this.partition = partition;
    this.task = task;
    this.atLeast = task.getSequenceId();
    this.intervalNanos = interval.toNanos();
  }

  @Override
  public void save(
      String partitionKey,
      String appId,
      long sequenceId,
      String position,
      State state,
      Status status) {
    Checkpoint c =
        Checkpoint.newBuilder()
            .setAppId(appId)
            .setPartitionKey(partitionKey)
            .setSequenceId(sequenceId)
            .setPosition(position)
            .setState(StateCodec.toAvro(state))
            .setStatus(
                status == Status.COMPLETED ? CheckpointStatus.COMPLETED : CheckpointStatus.FAILED)
            .setWrittenAtMs(System.currentTimeMillis())
            .setRootAppId(task.getRootAppId())
            .setGraph(task.getGraph())
            .setGraphVersion(task.getGraphVersion())
            .build();
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(topic, partition, appId, serde.serialize(topic, c));
    record.headers().add(CheckpointStore.WRITER_HEADER, store.writerId());
    held = record;
    long now = System.nanoTime();
    if (now - lastWrittenNanos >= intervalNanos) {
      writeHeld();
      lastWrittenNanos = now;
    }
    store.remember(
        partition,
        new PersistedState(partitionKey, appId, sequenceId, position, state, status),
        task.getGraphVersion());
  }

  @Override
  public Optional<PersistedState> load(String partitionKey, String appId, Long sequenceId) {
    return store
        .latest(appId, atLeast)
        .filter(p -> sequenceId == null || p.sequenceId() == sequenceId);
  }

  @Override
  public List<String> listAppIds(String partitionKey) {
    throw new UnsupportedOperationException(
        "the checkpoints topic is keyed by app id; it cannot list apps by partition key");
  }

  private void writeHeld() {
    if (held != null) {
      pending.add(producer.send(held));
      held = null;
    }
  }

  /**
   * Writes the checkpoint held, if any, and waits until every checkpoint is acknowledged; returns
   * the offset of the last (-1: none).
   */
  long awaitWritten() throws InterruptedException, ExecutionException {
    writeHeld();
    for (Future<RecordMetadata> f : pending) {
      lastOffset = Math.max(lastOffset, f.get().offset());
    }
    pending.clear();
    return lastOffset;
  }
}
