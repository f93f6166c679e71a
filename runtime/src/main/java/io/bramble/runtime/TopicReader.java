package io.bramble.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reading topics to where they end now: the one way every part of Bramble does it. */
public final class TopicReader {
  private TopicReader() {}

  /**
   * Properties of a consumer that reads by {@code assign()}: committed records only (the
   * coordinator writes in transactions; an aborted record must never be seen), committing nothing.
   */
  public static Map<String, Object> readerProps(Map<String, Object> clientProps) {
    Map<String, Object> props = new HashMap<>(clientProps);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    return props;
  }

  /** Every partition of {@code topic}. */
  public static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, String topic) {
    return consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition()))
        .toList();
  }

  /**
   * Reads {@code partitions} (assigned to {@code consumer}) from their positions up to their end
   * offsets as they are now, handing every record to {@code handler}; false when {@code timeout}
   * passed first.
   */
  public static <K, V> boolean readToEnd(
      KafkaConsumer<K, V> consumer,
      Collection<TopicPartition> partitions,
      Duration timeout,
      Consumer<ConsumerRecord<K, V>> handler) {
    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      consumer.poll(Duration.ofMillis(100)).forEach(handler);
    }
    return true;
  }

  /**
   * The record of {@code key} at {@code offset} of {@code partition}, read back by a consumer of
   * its own made from {@code props}; or, if compaction has replaced it, the next record of that key
   * (a tombstone too). Empty if none comes within {@code timeout}.
   */
  public static Optional<ConsumerRecord<String, byte[]>> readAt(
      Map<String, Object> props,
      TopicPartition partition,
      long offset,
      String key,
      Duration timeout) {
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.assign(List.of(partition));
      c.seek(partition, offset);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(100))) {
          if (key.equals(r.key())) {
            return Optional.of(r);
          }
        }
      }
    }
    return Optional.empty();
  }

  /**
   * The committed records of all of {@code topic} as it stands now (for tools and tests; it reads
   * everything).
   */
  public static List<ConsumerRecord<String, byte[]>> readAll(
      ClusterConfig cluster, String topic, Duration timeout) {
    Map<String, Object> props = readerProps(cluster.clientProps());
    List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = partitionsOf(c, topic);
      c.assign(partitions);
      c.seekToBeginning(partitions);
      if (!readToEnd(c, partitions, timeout, all::add)) {
        throw new IllegalStateException(
            "could not read " + topic + " to its end within " + timeout);
      }
    }
    return all;
  }
}
