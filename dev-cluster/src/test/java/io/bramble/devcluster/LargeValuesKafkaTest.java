package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bramble.runtime.TopicReader;
import io.bramble.runtime.values.ValueStoreConfig;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Large values in the default store: the values topic of the dev cluster's own broker. */
class LargeValuesKafkaTest extends LargeValuesContract {
  @Override
  DevCluster.Settings settings() {
    return DevCluster.Settings.defaults()
        .withValues(ValueStoreConfig.defaults().withMaxBytes(MAX_BYTES));
  }

  private List<ConsumerRecord<String, byte[]>> values() {
    return TopicReader.readAll(
        cluster.cluster(), cluster.cluster().topics().values(), Duration.ofSeconds(30));
  }

  @Override
  long storedBytes(String prefix) {
    return values().stream()
        .filter(r -> r.key().startsWith(prefix) && r.value() != null)
        .mapToLong(r -> r.value().length)
        .sum();
  }

  /** A tombstone for each of its chunks: compaction drops them. */
  @Override
  void assertRemoved(String key) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              List<ConsumerRecord<String, byte[]>> chunks =
                  values().stream().filter(r -> r.key().startsWith(key + "/")).toList();
              assertThat(chunks).filteredOn(r -> r.value() != null).isNotEmpty();
              assertThat(chunks.stream().filter(r -> r.value() == null).map(r -> r.key()))
                  .containsExactlyInAnyOrderElementsOf(
                      chunks.stream()
                          .filter(r -> r.value() != null)
                          .map(r -> r.key())
                          .distinct()
                          .toList());
            });
  }
}
