package io.bramble.devcluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads a whole topic as it stands now, committed records only, for tests to inspect. */
final class TopicReader {
  private TopicReader() {}

  static List<ConsumerRecord<String, byte[]>> readAll(DevCluster cluster, String topic) {
    Map<String, Object> props = new HashMap<>(cluster.cluster().clientProps());
    props.put("isolation.level", "read_committed");
    List<ConsumerRecord<String, byte[]>> all = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> tps = c.partitionsFor(topic).stream().map(p -> new TopicPartition(topic, p.partition())).toList();
      c.assign(tps);
      c.seekToBeginning(tps);
      Map<TopicPartition, Long> end = c.endOffsets(tps);
      while (tps.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        c.poll(Duration.ofMillis(200)).forEach(all::add);
      }
    }
    return all;
  }

  /** The records of {@code topic} whose key is {@code key}. */
  static List<ConsumerRecord<String, byte[]>> readKey(DevCluster cluster, String topic, String key) {
    return readAll(cluster, topic).stream().filter(r -> key.equals(r.key())).toList();
  }
}
