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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The persister of one task: each step becomes a record on the compacted checkpoints topic (keyed
 * by app id); loads come from the {@link CheckpointStore}. {@link #awaitWritten()} blocks until
 * every checkpoint of the task is acknowledged, before its outcome is published.
 */
final class CheckpointPersister implements Persister {
  private final Producer<String, byte[]> producer;
  private final AvroSerde<Checkpoint> serde;
  private final String topic;
  private final CheckpointStore store;
  private final int partition;
  private final Task task;
  private final long atLeast;
  private final List<Future<RecordMetadata>> pending = new ArrayList<>();
  private long lastOffset = -1;

  /**
   * A persister for {@code task} of task partition {@code partition}: its checkpoints land in the
   * same partition of the checkpoints topic (both are keyed by app id, with equal partition
   * counts), name its job, graph and version, and only a checkpoint at its step or later is worth
   * loading.
   */
  CheckpointPersister(
      Producer<String, byte[]> producer,
      AvroSerde<Checkpoint> serde,
      String topic,
      CheckpointStore store,
      int partition,
      Task task) {
    this.producer = producer;
    this.serde = serde;
    this.topic = topic;
    this.store = store;
    this.partition = partition;
    this.task = task;
    this.atLeast = task.getSequenceId();
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
    pending.add(producer.send(record));
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

  /** Waits until every checkpoint is acknowledged; returns the offset of the last (-1: none). */
  long awaitWritten() throws InterruptedException, ExecutionException {
    for (Future<RecordMetadata> f : pending) {
      lastOffset = Math.max(lastOffset, f.get().offset());
    }
    pending.clear();
    return lastOffset;
  }
}
