package io.bramble.worker;

import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.TopicReader;
import io.bramble.schemas.avro.Migration;
import io.bramble.schemas.registry.SchemaRegistry;
import io.bramble.schemas.serde.BrambleSerdes;
import io.bramble.schemas.serde.Decoded;
import io.bramble.schemas.serde.DecodedDeserializer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
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
 * The jobs being migrated, read by every worker from the whole migrations topic (compacted, small:
 * one record per job in flight that a client migrated, gone when the job ends) and followed on a
 * thread of its own.
 */
final class MigrationsReader implements JobMigrations, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(MigrationsReader.class);
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration FOLLOW_POLL = Duration.ofMillis(100);
  private static final Duration RETRY_AFTER = Duration.ofSeconds(1);

  /**
   * The longest a task waits for this reader (a clock ahead on the task's writer could make it wait
   * for nothing): a migration the reader has not seen yet only delays an app's move.
   */
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(2);

  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final DecodedDeserializer<Migration> decoder;
  private final Map<String, String> targets = new ConcurrentHashMap<>();
  private final Thread thread;
  private final Object caughtUp = new Object();
  private long caughtUpAsOf = Long.MIN_VALUE; // guarded by caughtUp: epoch millis
  private volatile boolean running = true;

  MigrationsReader(ClusterConfig cluster, SchemaRegistry schemas, String workerId) {
    this.topic = cluster.topics().migrations();
    Map<String, Object> props = TopicReader.readerProps(cluster.clientProps());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, workerId + "-migrations");
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.decoder = BrambleSerdes.decoding(Migration.class, schemas);
    this.thread = new Thread(this::follow, "bramble-migrations-" + workerId);
    thread.setDaemon(true);
  }

  /** The jobs being migrated this reader knows of. */
  int held() {
    return targets.size();
  }

  void start() {
    thread.start();
  }

  @Override
  public String targetOf(String rootAppId) {
    return rootAppId == null ? null : targets.get(rootAppId);
  }

  @Override
  public void catchUp(long epochMs) {
    long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
    synchronized (caughtUp) {
      while (caughtUpAsOf < epochMs && running) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          log.debug(
              "the migrations topic {} was not read to its end within {}", topic, CATCH_UP_TIMEOUT);
          return;
        }
        try {
          caughtUp.wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  private void follow() {
    try {
      while (running) {
        try {
          read();
        } catch (WakeupException stopping) {
          return;
        } catch (RuntimeException e) {
          // A broker away for a while: read the whole topic again once it is back.
          log.warn(
              "reading the migrations topic {} failed; reading it again: {}", topic, e.toString());
          Thread.sleep(RETRY_AFTER.toMillis());
        }
      }
    } catch (InterruptedException stopping) {
      Thread.currentThread().interrupt();
    } finally {
      running = false;
      synchronized (caughtUp) {
        caughtUp.notifyAll();
      }
      consumer.close(Duration.ofSeconds(1));
    }
  }

  /** Reads the topic from its beginning, then follows it (partitions added later included). */
  private void read() throws InterruptedException {
    List<TopicPartition> partitions = TopicReader.partitionsOf(consumer, topic);
    while (partitions.isEmpty() && running) {
      Thread.sleep(RETRY_AFTER.toMillis()); // not created yet
      partitions = TopicReader.partitionsOf(consumer, topic);
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<String, String> read = new HashMap<>();
    boolean first = true;
    while (running) {
      long asOf = System.currentTimeMillis();
      if (TopicReader.readToEnd(consumer, partitions, READ_TIMEOUT, r -> apply(r, read))) {
        if (first) {
          // What a tombstone removed while this reader was away is gone from here too.
          targets.keySet().retainAll(read.keySet());
          first = false;
        }
        synchronized (caughtUp) {
          caughtUpAsOf = asOf;
          caughtUp.notifyAll();
        }
      }
      consumer.poll(FOLLOW_POLL).forEach(r -> apply(r, read));
      if (consumer.partitionsFor(topic).size() != partitions.size()) {
        return;
      }
    }
  }

  private void apply(ConsumerRecord<String, byte[]> record, Map<String, String> read) {
    if (record.value() == null) {
      targets.remove(record.key());
      read.remove(record.key());
      return;
    }
    Decoded<Migration> decoded = decoder.deserialize(record.topic(), record.value());
    if (decoded.isFailed()) {
      log.warn("skipping an undecodable migration of job {}: {}", record.key(), decoded.failure());
      return;
    }
    Migration m = decoded.value();
    targets.put(m.getRootAppId(), m.getToVersion());
    read.put(m.getRootAppId(), m.getToVersion());
  }

  @Override
  public void close() {
    running = false;
    if (!thread.isAlive()) {
      consumer.close(Duration.ofSeconds(1));
      return;
    }
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
