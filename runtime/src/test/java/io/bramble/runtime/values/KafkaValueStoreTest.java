package io.bramble.runtime.values;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.embedded.EmbeddedKafka;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.TopicSetup;
import io.bramble.schemas.avro.StoredRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/** The default value store, on a real broker: the values topic, chunked. */
class KafkaValueStoreTest extends ValueStoreContract {
  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static ClusterConfig cluster;

  @BeforeAll
  static void start() {
    kafka = EmbeddedKafka.builder().dataDir(dir.resolve("kafka")).port(0).build().start();
    cluster = ClusterConfig.of(kafka.bootstrapServers(), "http://unused").withPartitions(2);
    TopicSetup.ensure(cluster);
  }

  @AfterAll
  static void stop() {
    if (kafka != null) {
      kafka.close();
    }
  }

  @Override
  ValueStore store() {
    return new KafkaValueStore(cluster, "test");
  }

  /** A tombstone for each of its chunks, in their partition: compaction then drops them. */
  @Override
  void assertDeleted(StoredRef ref) {
    List<ConsumerRecord<String, byte[]>> records =
        TopicReader.readAll(cluster, cluster.topics().values(), Duration.ofSeconds(30));
    List<ConsumerRecord<String, byte[]>> chunks =
        records.stream().filter(r -> r.key().startsWith(ref.getKey() + "/")).toList();
    assertThat(chunks).filteredOn(r -> r.value() != null).isNotEmpty();
    assertThat(chunks)
        .filteredOn(r -> r.value() == null)
        .extracting(ConsumerRecord::key)
        .containsExactlyInAnyOrderElementsOf(
            chunks.stream().filter(r -> r.value() != null).map(ConsumerRecord::key).toList());
    assertThat(chunks)
        .extracting(ConsumerRecord::partition)
        .containsOnly(chunks.get(0).partition());
  }
}
