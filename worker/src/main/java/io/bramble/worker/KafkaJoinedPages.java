package io.bramble.worker;

import io.bramble.schemas.avro.ChildOutcome;
import io.bramble.schemas.avro.JoinedPage;
import io.bramble.schemas.avro.OutcomePages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads a wide join's pages from the joined topic: from the first offset of their timestamp
 * (Kafka's {@code offsetsForTimes}) forward, committed records only, until every page is found. The
 * coordinator wrote them in the transaction that wrote the task, so they are there once the task
 * is; only other transactions still open on the partition can hold them back a moment.
 */
final class KafkaJoinedPages implements JoinedPages {
  /** How long the pages may take to be readable before the reduce fails (and is retried). */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(60);

  private final Map<String, Object> clientProps;
  private final Deserializer<JoinedPage> pages;

  KafkaJoinedPages(Map<String, Object> clientProps, Deserializer<JoinedPage> pages) {
    this.clientProps = clientProps;
    this.pages = pages;
  }

  @Override
  public List<ChildOutcome> read(OutcomePages ref) {
    Map<String, Object> props = new HashMap<>(clientProps);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    TopicPartition partition = new TopicPartition(ref.getTopic(), ref.getPartition());
    JoinedPage[] found = new JoinedPage[ref.getCount()];
    int missing = ref.getCount();
    String prefix = ref.getKey() + "#";
    long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
    try (KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(partition));
      OffsetAndTimestamp from =
          consumer.offsetsForTimes(Map.of(partition, ref.getFromTimestampMs())).get(partition);
      if (from == null) {
        throw notFound(ref, missing, "no record of that time");
      }
      consumer.seek(partition, from.offset());
      while (missing > 0) {
        if (System.nanoTime() > deadline) {
          throw notFound(ref, missing, "from offset " + from.offset());
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.key() == null || r.value() == null || !r.key().startsWith(prefix)) {
            continue;
          }
          int page = Integer.parseInt(r.key().substring(prefix.length()));
          if (page < found.length && found[page] == null) {
            found[page] = pages.deserialize(r.topic(), r.headers(), r.value());
            missing--;
          }
        }
      }
    }
    List<ChildOutcome> outcomes = new ArrayList<>();
    for (JoinedPage page : found) {
      outcomes.addAll(page.getOutcomes());
    }
    return outcomes;
  }

  private static IllegalStateException notFound(OutcomePages ref, int missing, String where) {
    return new IllegalStateException(
        missing
            + " of the "
            + ref.getCount()
            + " pages "
            + ref.getKey()
            + " of a join's outcomes are not in topic "
            + ref.getTopic()
            + " partition "
            + ref.getPartition()
            + " ("
            + where
            + ", at or after "
            + ref.getFromTimestampMs()
            + " ms); were they removed?");
  }
}
