package io.bramble.worker;

import io.bramble.core.persistence.PersistedState;
import io.bramble.core.persistence.Status;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.Topics;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.ValueFetcher;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.CheckpointStatus;
import io.bramble.schemas.serde.AvroSerde;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest checkpoint of the apps whose tasks this worker owns. Tasks (of every pool) and
 * checkpoints are all keyed by app id and have equal partition counts, so task partition {@code p}
 * has its checkpoints in checkpoint partition {@code p}: the store reads exactly the checkpoint
 * partitions of the task partitions it is told it owns, so a cluster of N workers of a pool reads
 * the checkpoint stream about once, not N times.
 *
 * <p>A partition newly owned is read from its beginning (the topic is compacted) up to its end as
 * it was then; its tasks wait until that catch-up is done, so a task taken over from a dead worker
 * sees that worker's checkpoints. After that the store keeps reading the partition (a previous
 * owner's last writes, the coordinator's tombstones) but skips the records this store's own process
 * wrote after the catch-up: those were {@link #remember remembered} when written, and an app {@link
 * #forget forgotten} once its task's outcome is out must not come back from its own echo. A
 * forgotten app leaves only where its last checkpoint is, read back if its task is delivered again
 * (as after a crash before the offset commit). A partition given up is dropped with its apps, so
 * memory holds the apps in flight on this worker's partitions.
 */
final class CheckpointStore implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(CheckpointStore.class);

  private static final Duration READ_BACK_TIMEOUT = Duration.ofSeconds(30);

  /** Header naming the process that wrote a checkpoint. */
  static final String WRITER_HEADER = "bramble.writer";

  /**
   * A checkpoint held, read at {@code offset} (-1: written here, not yet acknowledged), written by
   * {@code graphVersion} of its graph (null: unrecorded).
   */
  private record Held(int partition, long offset, PersistedState state, String graphVersion) {}

  /** Where the last checkpoint of an app whose task finished here is, to read it back if asked. */
  private record Finished(int partition, long offset, long sequenceId) {}

  /** A partition being read up to {@code target} (unknown, -1, until the reader has asked). */
  private static final class CatchUp {
    volatile long target = -1;
  }

  private final Map<String, Held> latest = new ConcurrentHashMap<>();
  private final Map<String, Finished> finished = new ConcurrentHashMap<>();

  /**
   * An app the coordinator cancelled for the requests up to {@code upToMs}, read from {@code
   * partition} at {@code readAtMs}.
   */
  private record Cancel(int partition, long upToMs, long readAtMs) {}

  /**
   * Apps the coordinator cancelled, remembered for {@link Topics#CANCELLATIONS_READABLE} after they
   * were read: beyond the tombstones of their job's clean-up (which usually follow at once), so
   * that a cancelled app still running or queued stops; a task of it met later runs, and what it
   * reports finds no join.
   */
  private final Map<String, Cancel> cancelled = new ConcurrentHashMap<>();

  private long cancellationsSweptAtMs;

  private final Map<String, Object> readBackProps;
  private final Consumer<String, byte[]> consumer;
  private final AvroSerde<Checkpoint> serde;
  private final String topic;
  private final byte[] writerId;
  private final Thread reader;
  private final BiConsumer<ConsumerRecord<String, byte[]>, String> onUndecodable;
  private final ValueFetcher values;
  private final AtomicLong recordsRead = new AtomicLong();
  private volatile boolean running = true;

  /** Why the reader stopped on its own; null while it runs (or after a close). */
  private volatile RuntimeException failure;

  // Ownership as the task consumer reports it, guarded by lock; the reader thread applies it.
  private final Object lock = new Object();
  private final Set<TopicPartition> owned = new HashSet<>();
  private final Set<TopicPartition> revokedPending = new HashSet<>();
  private final Map<Integer, CatchUp> catchingUp = new HashMap<>();
  private long version;

  /**
   * {@code writerId} names this process on the checkpoints it writes; {@code onUndecodable} hears
   * of every checkpoint record that does not decode, with the reason; a checkpointed state's stored
   * values are read through {@code values} when a step reads them.
   */
  CheckpointStore(
      Map<String, Object> clientProps,
      String topic,
      AvroSerde<Checkpoint> serde,
      String workerId,
      String writerId,
      BiConsumer<ConsumerRecord<String, byte[]>, String> onUndecodable,
      ValueFetcher values) {
    this(
        new KafkaConsumer<>(
            readerProps(clientProps, workerId),
            new StringDeserializer(),
            new ByteArrayDeserializer()),
        readerProps(clientProps, workerId + "-read-back"),
        topic,
        serde,
        workerId,
        writerId,
        onUndecodable,
        values);
  }

  /**
   * A store reading through {@code consumer}; a checkpoint read back is read by a consumer made
   * from {@code readBackProps}.
   */
  CheckpointStore(
      Consumer<String, byte[]> consumer,
      Map<String, Object> readBackProps,
      String topic,
      AvroSerde<Checkpoint> serde,
      String workerId,
      String writerId,
      BiConsumer<ConsumerRecord<String, byte[]>, String> onUndecodable,
      ValueFetcher values) {
    this.consumer = consumer;
    this.values = values;
    this.readBackProps = Map.copyOf(readBackProps);
    this.onUndecodable = onUndecodable;
    this.serde = serde;
    this.topic = topic;
    this.writerId = writerId.getBytes(StandardCharsets.UTF_8);
    this.reader = new Thread(this::readLoop, workerId + "-checkpoint-reader");
    this.reader.setDaemon(true);
  }

  private static Map<String, Object> readerProps(Map<String, Object> clientProps, String workerId) {
    Map<String, Object> props = TopicReader.readerProps(clientProps);
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-checkpoints");
    return props;
  }

  /** The header value this store's own checkpoints carry. */
  byte[] writerId() {
    return writerId.clone();
  }

  void start() {
    reader.start();
  }

  /**
   * The task partitions {@code partitions} (of one pool's tasks topic) are now this worker's: read
   * their checkpoints.
   */
  void assigned(Collection<TopicPartition> partitions) {
    synchronized (lock) {
      // Given back and not given again in this rebalance: another worker owns them now.
      Set<String> topics = new HashSet<>();
      partitions.forEach(tp -> topics.add(tp.topic()));
      Set<TopicPartition> gone = new HashSet<>();
      for (TopicPartition tp : revokedPending) {
        if (topics.contains(tp.topic()) && !partitions.contains(tp)) {
          gone.add(tp);
        }
      }
      revokedPending.removeIf(tp -> topics.contains(tp.topic()));
      drop(gone);
      for (TopicPartition tp : partitions) {
        boolean read = isRead(tp.partition());
        if (owned.add(tp) && !read) {
          catchingUp.put(tp.partition(), new CatchUp());
        }
      }
      changed();
    }
  }

  /**
   * The task partitions {@code partitions} were given back in a rebalance. They are dropped once
   * the rebalance assigns them elsewhere; one assigned straight back keeps what was read.
   */
  void revoked(Collection<TopicPartition> partitions) {
    synchronized (lock) {
      for (TopicPartition tp : partitions) {
        if (owned.contains(tp)) {
          revokedPending.add(tp);
        }
      }
    }
  }

  /** The task partitions {@code partitions} were lost (another worker may own them): drop them. */
  void lost(Collection<TopicPartition> partitions) {
    synchronized (lock) {
      revokedPending.removeAll(partitions);
      drop(partitions);
      changed();
    }
  }

  /**
   * Whether checkpoint partition {@code partition} is read: some pool's task partition of that
   * number is owned. An app keeps its checkpoint partition as it moves between pools, so a worker
   * of several pools reads each partition once.
   */
  private boolean isRead(int partition) {
    return owned.stream().anyMatch(tp -> tp.partition() == partition);
  }

  private void drop(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) {
      return;
    }
    owned.removeAll(partitions);
    Set<Integer> unread = new HashSet<>();
    partitions.forEach(tp -> unread.add(tp.partition()));
    unread.removeIf(this::isRead);
    unread.forEach(catchingUp::remove);
    latest.values().removeIf(h -> unread.contains(h.partition()));
    finished.values().removeIf(f -> unread.contains(f.partition()));
    cancelled.values().removeIf(c -> unread.contains(c.partition()));
    lock.notifyAll();
  }

  private void changed() {
    version++;
    lock.notifyAll();
    consumer.wakeup();
  }

  /** The checkpoint partitions read now. */
  Set<Integer> owned() {
    synchronized (lock) {
      Set<Integer> read = new HashSet<>();
      owned.forEach(tp -> read.add(tp.partition()));
      return Set.copyOf(read);
    }
  }

  /** Apps whose checkpoint is held now (finished apps are not: only where to find theirs). */
  int appsHeld() {
    return latest.size();
  }

  /**
   * The latest checkpoint of {@code appId} if it is at step {@code atLeast} or later. An app whose
   * task finished here is not held; if asked for (its task delivered again, as after a crash before
   * the offset commit), its last checkpoint is read back from the topic.
   */
  Optional<PersistedState> latest(String appId, long atLeast) {
    Held h = latest.get(appId);
    if (h != null) {
      return Optional.of(h.state());
    }
    Finished f = finished.get(appId);
    if (f == null || f.sequenceId() < atLeast) {
      return Optional.empty();
    }
    Optional<Held> back = readBack(appId, f);
    // Held again while its task runs; forgotten again once the task's outcome is out.
    back.ifPresent(held -> latest.putIfAbsent(appId, held));
    finished.remove(appId, f);
    return back.map(Held::state);
  }

  /**
   * The graph version that wrote the latest checkpoint of {@code appId}, if it is at step {@code
   * atLeast} or later and records one: the version the app's next step runs, whatever an older copy
   * of its task says (the app moved to another version after that task was written).
   */
  Optional<String> graphVersionOf(String appId, long atLeast) {
    if (latest(appId, atLeast).filter(p -> p.sequenceId() >= atLeast).isEmpty()) {
      return Optional.empty();
    }
    Held h = latest.get(appId);
    return h == null ? Optional.empty() : Optional.ofNullable(h.graphVersion());
  }

  /**
   * Whether {@code appId} was cancelled after {@code requestedAtMs}, the request its task follows
   * from: its task runs nothing more (a later request, a retry of its job, runs it again).
   */
  boolean isCancelled(String appId, long requestedAtMs) {
    Cancel c = cancelled.get(appId);
    return c != null && c.upToMs() >= requestedAtMs;
  }

  /** Cancelled apps this store knows of. */
  int cancellationsHeld() {
    return cancelled.size();
  }

  /** Forgets the cancellations read before {@code beforeMs}. */
  void forgetCancellationsReadBefore(long beforeMs) {
    cancelled.values().removeIf(c -> c.readAtMs() < beforeMs);
  }

  /**
   * A checkpoint this process wrote to {@code partition}, with {@code graphVersion} of its graph:
   * visible at once.
   */
  void remember(int partition, PersistedState state, String graphVersion) {
    finished.remove(state.appId());
    latest.merge(
        state.appId(), new Held(partition, -1, state, graphVersion), CheckpointStore::newer);
  }

  /**
   * The outcome of {@code appId}'s task is written, its last checkpoint at {@code offset} (-1: the
   * task wrote none): the state is no longer held, only where to read it back.
   */
  void forget(String appId, long offset) {
    Held h = latest.get(appId);
    if (h == null) {
      return;
    }
    long at = offset >= 0 ? offset : h.offset();
    if (at < 0) {
      return; // nowhere known to read it back from: keep it
    }
    finished.put(appId, new Finished(h.partition(), at, h.state().sequenceId()));
    latest.remove(appId, h);
  }

  private Optional<Held> readBack(String appId, Finished f) {
    ConsumerRecord<String, byte[]> r =
        TopicReader.readAt(readBackProps, tp(f.partition()), f.offset(), appId, READ_BACK_TIMEOUT)
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "could not read back the checkpoint of app "
                            + appId
                            + " at "
                            + topic
                            + " partition "
                            + f.partition()
                            + " offset "
                            + f.offset()
                            + " within "
                            + READ_BACK_TIMEOUT));
    if (r.value() == null) {
      return Optional.empty();
    }
    Checkpoint c = serde.deserialize(r.topic(), r.value());
    return Optional.of(new Held(f.partition(), f.offset(), toPersisted(c), c.getGraphVersion()));
  }

  /**
   * Waits until the checkpoint partition of task partition {@code taskPartition} has been read up
   * to where it ended when it became this worker's; throws {@link TaskRevokedException} if the task
   * partition is not (or no longer) owned.
   */
  void awaitCaughtUp(TopicPartition taskPartition, Duration timeout) throws InterruptedException {
    int partition = taskPartition.partition();
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (true) {
        if (failure != null) {
          throw new IllegalStateException(
              "the checkpoint reader of " + topic + " stopped: " + failure.getMessage(), failure);
        }
        if (!owned.contains(taskPartition)) {
          throw new TaskRevokedException(
              "task partition "
                  + partition
                  + " of "
                  + taskPartition.topic()
                  + " is not this worker's (any more)");
        }
        if (!catchingUp.containsKey(partition)) {
          return;
        }
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new IllegalStateException(
              "checkpoint reader did not catch up with "
                  + topic
                  + " partition "
                  + partition
                  + " within "
                  + timeout);
        }
        lock.wait(Math.max(1, left / 1_000_000));
      }
    }
  }

  private void readLoop() {
    long applied = -1;
    try {
      while (running) {
        try {
          applied = readOnce(applied);
        } catch (WakeupException e) {
          // ownership changed (or closing): look again
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      // Whatever stops the reader (an Error too) is its failure: the worker is then not ready.
      if (!running) {
        return;
      }
      log.error("checkpoint reader for {} stopped", topic, e);
      failure = e instanceof RuntimeException r ? r : new IllegalStateException(e.toString(), e);
      synchronized (lock) {
        lock.notifyAll();
      }
    }
  }

  /**
   * Applies ownership as of now if it changed since {@code applied}, then reads one batch; returns
   * the ownership version applied.
   */
  private long readOnce(long applied) throws InterruptedException {
    Set<Integer> wanted;
    Map<Integer, CatchUp> pending;
    long wantedVersion;
    synchronized (lock) {
      while (running && owned.isEmpty()) {
        if (applied != version) {
          consumer.assign(List.of());
          applied = version;
        }
        lock.wait(100);
      }
      wanted = new HashSet<>();
      for (TopicPartition tp : owned) {
        wanted.add(tp.partition());
      }
      wantedVersion = version;
      pending = Map.copyOf(catchingUp);
    }
    if (!running) {
      return applied;
    }
    if (applied != wantedVersion) {
      assign(wanted, pending);
      applied = wantedVersion;
    }
    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
      apply(r, pending.get(r.partition()));
    }
    finishCatchUps(pending);
    long now = System.currentTimeMillis();
    if (now - cancellationsSweptAtMs > 60_000) {
      forgetCancellationsReadBefore(now - Topics.CANCELLATIONS_READABLE.toMillis());
      cancellationsSweptAtMs = now;
    }
    return applied;
  }

  /**
   * Reads {@code wanted}; each partition to catch up from its beginning to its end as it is now.
   */
  private void assign(Set<Integer> wanted, Map<Integer, CatchUp> toCatchUp) {
    List<TopicPartition> partitions = wanted.stream().map(p -> tp(p)).toList();
    consumer.assign(partitions);
    List<TopicPartition> fresh =
        toCatchUp.entrySet().stream()
            .filter(e -> e.getValue().target < 0)
            .map(e -> tp(e.getKey()))
            .toList();
    if (fresh.isEmpty()) {
      return;
    }
    consumer.seekToBeginning(fresh);
    for (Map.Entry<TopicPartition, Long> end : consumer.endOffsets(fresh).entrySet()) {
      toCatchUp.get(end.getKey().partition()).target = end.getValue();
    }
  }

  private void finishCatchUps(Map<Integer, CatchUp> pending) {
    for (Map.Entry<Integer, CatchUp> e : pending.entrySet()) {
      CatchUp c = e.getValue();
      if (c.target >= 0 && consumer.position(tp(e.getKey())) >= c.target) {
        synchronized (lock) {
          if (catchingUp.remove(e.getKey(), c)) {
            lock.notifyAll();
          }
        }
      }
    }
  }

  private TopicPartition tp(int partition) {
    return new TopicPartition(topic, partition);
  }

  /**
   * Why the reader stopped, if it stopped on its own: a worker without it cannot resume tasks, so
   * it is not ready.
   */
  Optional<RuntimeException> failure() {
    return Optional.ofNullable(failure);
  }

  /**
   * Checkpoint records this store has read from the topic (tombstones, undecodable ones and its own
   * echoes too).
   */
  long recordsRead() {
    return recordsRead.get();
  }

  private void apply(ConsumerRecord<String, byte[]> r, CatchUp catchUp) {
    recordsRead.incrementAndGet();
    boolean inCatchUp = catchUp != null && (catchUp.target < 0 || r.offset() < catchUp.target);
    if (!inCatchUp && writtenHere(r)) {
      return;
    }
    if (r.value() == null) {
      latest.remove(r.key());
      finished.remove(r.key());
      return;
    }
    try {
      Checkpoint c = serde.deserialize(r.topic(), r.value());
      if (c.getStatus() == CheckpointStatus.CANCELLED) {
        cancelled.put(
            c.getAppId(),
            new Cancel(r.partition(), c.getWrittenAtMs(), System.currentTimeMillis()));
        latest.remove(c.getAppId());
        finished.remove(c.getAppId());
        return;
      }
      finished.remove(c.getAppId());
      latest.merge(
          c.getAppId(),
          new Held(r.partition(), r.offset(), toPersisted(c), c.getGraphVersion()),
          CheckpointStore::newer);
    } catch (RuntimeException e) {
      onUndecodable.accept(r, e.getMessage());
    }
  }

  private boolean writtenHere(ConsumerRecord<String, byte[]> r) {
    Header h = r.headers().lastHeader(WRITER_HEADER);
    return h != null && Arrays.equals(h.value(), writerId);
  }

  private PersistedState toPersisted(Checkpoint c) {
    return new PersistedState(
        c.getPartitionKey(),
        c.getAppId(),
        c.getSequenceId(),
        c.getPosition(),
        StateCodec.toState(c.getState(), values),
        c.getStatus() == CheckpointStatus.COMPLETED ? Status.COMPLETED : Status.FAILED);
  }

  /** Later sequence ids win; at the same id, a completed step supersedes a failed attempt of it. */
  private static Held newer(Held old, Held candidate) {
    PersistedState o = old.state();
    PersistedState c = candidate.state();
    if (c.sequenceId() != o.sequenceId()) {
      return c.sequenceId() > o.sequenceId() ? candidate : old;
    }
    return c.status() == Status.COMPLETED || o.status() == Status.FAILED ? candidate : old;
  }

  @Override
  public void close() {
    running = false;
    synchronized (lock) {
      lock.notifyAll();
    }
    consumer.wakeup();
    try {
      reader.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close(Duration.ofSeconds(2));
  }
}
