package io.bramble.worker;

import io.bramble.core.persistence.PersistedState;
import io.bramble.core.persistence.Status;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.CheckpointStatus;
import io.bramble.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest checkpoint of every app, read from the compacted checkpoints topic by a background
 * consumer. After a rebalance, tasks wait at a barrier until the reader has caught up with the
 * topic's end as it was then, so a task taken over from a dead worker sees that worker's
 * checkpoints.
 */
final class CheckpointStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);

  private final Map<String, PersistedState> latest = new ConcurrentHashMap<>();
  private final Consumer<String, byte[]> consumer;
  private final AvroSerde<Checkpoint> serde;
  private final String topic;
  private final Thread reader;
  private final BiConsumer<ConsumerRecord<String, byte[]>, String> onUndecodable;
  private volatile boolean running = true;
  private final AtomicLong recordsRead = new AtomicLong();

  /** Why the reader stopped on its own; null while it runs (or after a close). */
  private volatile RuntimeException failure;

  private final Object barrierLock = new Object();
  private long requestedBarrier;
  private long reachedBarrier;

  /**
   * {@code onUndecodable} hears of every checkpoint record that does not decode, with the reason.
   */
  CheckpointStore(
      Map<String, Object> clientProps,
      String topic,
      AvroSerde<Checkpoint> serde,
      String workerId,
      BiConsumer<ConsumerRecord<String, byte[]>, String> onUndecodable) {
    this(
        new KafkaConsumer<>(
            readerProps(clientProps, workerId),
            new StringDeserializer(),
            new ByteArrayDeserializer()),
        topic,
        serde,
        workerId,
        onUndecodable);
  }

  /** A store reading through {@code consumer} (tests hand in Kafka's own {@code MockConsumer}). */
  CheckpointStore(
      Consumer<String, byte[]> consumer,
      String topic,
      AvroSerde<Checkpoint> serde,
      String workerId,
      BiConsumer<ConsumerRecord<String, byte[]>, String> onUndecodable) {
    this.consumer = consumer;
    this.onUndecodable = onUndecodable;
    this.serde = serde;
    this.topic = topic;
    this.reader = new Thread(this::readLoop, workerId + "-checkpoint-reader");
    this.reader.setDaemon(true);
  }

  private static Map<String, Object> readerProps(Map<String, Object> clientProps, String workerId) {
    Map<String, Object> props = new HashMap<>(clientProps);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-checkpoints");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return props;
  }

  void start() {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    reader.start();
  }

  Optional<PersistedState> latest(String appId) {
    return Optional.ofNullable(latest.get(appId));
  }

  /** A checkpoint this process wrote: visible at once, before the reader sees it come back. */
  void remember(PersistedState state) {
    latest.merge(state.appId(), state, CheckpointStore::newer);
  }

  /**
   * Asks for a barrier at the topic's current end; returns its number for {@link #awaitBarrier}.
   */
  long requestBarrier() {
    synchronized (barrierLock) {
      return ++requestedBarrier;
    }
  }

  /** Waits until the reader has caught up to the end offsets taken for barrier {@code barrier}. */
  void awaitBarrier(long barrier, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (barrierLock) {
      while (reachedBarrier < barrier) {
        if (failure != null) {
          throw new IllegalStateException(
              "the checkpoint reader of " + topic + " stopped: " + failure.getMessage(), failure);
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "checkpoint reader did not catch up with " + topic + " within " + timeout);
        }
        barrierLock.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  private void readLoop() {
    Map<TopicPartition, Long> target = null;
    long targetBarrier = 0;
    try {
      while (running) {
        if (target == null) {
          synchronized (barrierLock) {
            if (requestedBarrier > reachedBarrier) {
              targetBarrier = requestedBarrier;
              target = consumer.endOffsets(consumer.assignment());
            }
          }
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
          apply(r);
        }
        if (target != null && caughtUp(target)) {
          synchronized (barrierLock) {
            reachedBarrier = targetBarrier;
            barrierLock.notifyAll();
          }
          target = null;
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      log.error("checkpoint reader for {} stopped", topic, e);
      failure = e;
      synchronized (barrierLock) {
        barrierLock.notifyAll();
      }
    }
  }

  /**
   * Why the reader stopped, if it stopped on its own: a worker without it cannot resume tasks, so
   * it is not ready.
   */
  Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  private boolean caughtUp(Map<TopicPartition, Long> target) {
    for (Map.Entry<TopicPartition, Long> e : target.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checkpoint records this store has read from the topic (tombstones and undecodable ones too).
   */
  long recordsRead() {
    return recordsRead.get();
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    recordsRead.incrementAndGet();
    if (r.value() == null) {
      latest.remove(r.key());
      return;
    }
    try {
      Checkpoint c = serde.deserialize(r.topic(), r.value());
      latest.merge(c.getAppId(), toPersisted(c), CheckpointStore::newer);
    } catch (RuntimeException e) {
      onUndecodable.accept(r, e.getMessage());
    }
  }

  static PersistedState toPersisted(Checkpoint c) {
    return new PersistedState(
        c.getPartitionKey(),
        c.getAppId(),
        c.getSequenceId(),
        c.getPosition(),
        StateCodec.toState(c.getState()),
        c.getStatus() == CheckpointStatus.COMPLETED ? Status.COMPLETED : Status.FAILED);
  }

  /** Later sequence ids win; at the same id, a completed step supersedes a failed attempt of it. */
  private static PersistedState newer(PersistedState old, PersistedState candidate) {
    if (candidate.sequenceId() != old.sequenceId()) {
      return candidate.sequenceId() > old.sequenceId() ? candidate : old;
    }
    return candidate.status() == Status.COMPLETED || old.status() == Status.FAILED
        ? candidate
        : old;
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close(Duration.ofSeconds(2));
  }
}
