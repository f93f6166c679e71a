package io.bramble.runtime.values;

import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.StreamPartitions;
import io.bramble.runtime.TopicReader;
import io.bramble.schemas.avro.StoredRef;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The default value store: the platform's compacted values topic, nothing more to run. A value is
 * cut into chunks under the broker's record limit, keyed {@code <key>/<write id>#<i>}, all in the
 * partition of its key ({@link #partitionOf}); its reference lists their offsets, so reading it is
 * a seek per chunk, not a scan. Deleting writes a tombstone per chunk (compaction then drops them).
 */
public final class KafkaValueStore extends CachingValueStore {
  /** Under the broker's default 1 MiB record limit, with room for the key and headers. */
  static final int CHUNK_BYTES = 512 * 1024;

  private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

  private final String topic;
  private final KafkaProducer<String, byte[]> producer;
  private final KafkaConsumer<String, byte[]> reader;

  public KafkaValueStore(ClusterConfig cluster, String clientId) {
    super(ValueStoreConfig.KAFKA);
    this.topic = cluster.topics().values();
    Map<String, Object> producerProps = new HashMap<>(cluster.clientProps());
    producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-values");
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    this.producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
    Map<String, Object> readerProps = TopicReader.readerProps(cluster.clientProps());
    readerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-values-reader");
    readerProps.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
    this.reader =
        new KafkaConsumer<>(readerProps, new StringDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * The partition of the values topic that holds every chunk of the value stored as {@code key}.
   */
  private static int partitionOf(String key, int partitions) {
    return StreamPartitions.of(key, partitions);
  }

  /**
   * The key of chunk {@code index} of the value stored as {@code key} by write {@code writeId}: two
   * writes of one value (a retry, two workers) never share a key, so compaction never removes the
   * chunks a reference points at.
   */
  private static String chunkKey(String key, String writeId, int index) {
    return key + "/" + writeId + "#" + index;
  }

  @Override
  String write(String key, byte[] bytes) {
    int partition = partitionOf(key, producer.partitionsFor(topic).size());
    String writeId = UUID.randomUUID().toString().substring(0, 8);
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    int chunks = Math.max(1, (bytes.length + CHUNK_BYTES - 1) / CHUNK_BYTES);
    for (int i = 0; i < chunks; i++) {
      byte[] chunk =
          Arrays.copyOfRange(bytes, i * CHUNK_BYTES, Math.min(bytes.length, (i + 1) * CHUNK_BYTES));
      sent.add(
          producer.send(new ProducerRecord<>(topic, partition, chunkKey(key, writeId, i), chunk)));
    }
    StringBuilder locator =
        new StringBuilder().append(partition).append(':').append(writeId).append(':');
    try {
      for (int i = 0; i < sent.size(); i++) {
        locator.append(i == 0 ? "" : ",").append(sent.get(i).get().offset());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while storing value " + key, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "could not store value " + key + " in topic " + topic + ": " + e.getCause(), e);
    }
    return locator.toString();
  }

  @Override
  byte[] read(StoredRef ref) {
    Location where = Location.parse(ref);
    TopicPartition tp = new TopicPartition(topic, where.partition());
    ByteArrayOutputStream out = new ByteArrayOutputStream((int) ref.getBytes());
    synchronized (reader) {
      reader.assign(List.of(tp));
      for (long offset : where.offsets()) {
        out.writeBytes(readAt(tp, offset, ref));
      }
    }
    return out.toByteArray();
  }

  private byte[] readAt(TopicPartition tp, long offset, StoredRef ref) {
    reader.seek(tp, offset);
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
        if (r.offset() == offset) {
          if (r.value() == null) {
            break; // a tombstone: the value was deleted
          }
          return r.value();
        }
        if (r.offset() > offset) {
          throw gone(ref, tp, offset);
        }
      }
      if (reader.position(tp) > offset) {
        throw gone(ref, tp, offset);
      }
    }
    throw new IllegalStateException(
        "could not read the stored value "
            + ref.getKey()
            + " from "
            + tp
            + " offset "
            + offset
            + " within "
            + READ_TIMEOUT.toSeconds()
            + " s");
  }

  private static IllegalStateException gone(StoredRef ref, TopicPartition tp, long offset) {
    return new IllegalStateException(
        "the stored value "
            + ref.getKey()
            + " is gone from "
            + tp
            + " (offset "
            + offset
            + "): it was deleted with its job's other values");
  }

  @Override
  public void delete(Collection<StoredRef> refs) {
    for (StoredRef ref : refs) {
      checkKind(ref);
      Location where = Location.parse(ref);
      for (int i = 0; i < where.offsets().length; i++) {
        producer.send(
            new ProducerRecord<>(
                topic, where.partition(), chunkKey(ref.getKey(), where.writeId(), i), null));
      }
    }
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    synchronized (reader) {
      reader.close(Duration.ofSeconds(2));
    }
  }

  /** Where a value's chunks are: {@code partition:writeId:offset,offset,…}. */
  record Location(int partition, String writeId, long[] offsets) {
    static Location parse(StoredRef ref) {
      String[] parts = ref.getLocator().split(":");
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            "stored value "
                + ref.getKey()
                + " has no values-topic locator: '"
                + ref.getLocator()
                + "'");
      }
      String[] offsets = parts[2].split(",");
      long[] parsed = new long[offsets.length];
      for (int i = 0; i < offsets.length; i++) {
        parsed[i] = Long.parseLong(offsets[i]);
      }
      return new Location(Integer.parseInt(parts[0]), parts[1], parsed);
    }
  }
}
