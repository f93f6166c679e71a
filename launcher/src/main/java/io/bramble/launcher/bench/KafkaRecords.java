package io.bramble.launcher.bench;

import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;

/**
 * How many records the broker holds in all, internal topics (changelogs, offsets, transaction
 * state) included: the sum of every partition's end offset. Two readings give the records written
 * between them (transaction markers count: they are records in the log too).
 */
final class KafkaRecords {
  private KafkaRecords() {}

  static long total(Admin admin) {
    return byTopic(admin).values().stream().mapToLong(Long::longValue).sum();
  }

  /** The records each topic holds (the sum of its partitions' end offsets). */
  static Map<String, Long> byTopic(Admin admin) {
    try {
      var names = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get();
      Map<String, TopicDescription> topics = admin.describeTopics(names).allTopicNames().get();
      Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
      topics.forEach(
          (name, d) ->
              d.partitions()
                  .forEach(
                      p ->
                          latest.put(
                              new TopicPartition(name, p.partition()), OffsetSpec.latest())));
      Map<String, Long> records = new TreeMap<>();
      admin
          .listOffsets(latest)
          .all()
          .get()
          .forEach((tp, e) -> records.merge(tp.topic(), e.offset(), Long::sum));
      return records;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot read the broker's offsets: " + e.getCause(), e);
    }
  }
}
