package io.bramble.launcher.bench;

import io.bramble.runtime.ClusterConfig;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What an exactly-once commit costs on the cluster's broker with nothing around it: a bare
 * transactional producer writes one record, adds a consumed offset to the transaction and commits,
 * one transaction at a time. Kafka Streams' commit does the same three things (flush, offsets, end
 * of transaction); what it costs beyond this is Streams' own.
 */
final class BareCommit {
  private BareCommit() {}

  /**
   * {@code n} transactions, begin to commit returned, in milliseconds and in order; and where their
   * time went, summed: sending the record and adding the offset to the transaction (both wait for
   * the transaction coordinator to take the partition and the group in), and the commit.
   */
  record Measured(double[] ms, double addMs, double commitMs) {
    String split() {
      return String.format(
          java.util.Locale.ROOT,
          "per transaction: record and offset added %.1f ms, commit %.1f ms",
          addMs / ms.length,
          commitMs / ms.length);
    }
  }

  static Measured measure(ClusterConfig cluster, int n) {
    String topic = cluster.topics().prefix() + "bench-bare-commit";
    RoundTrip.ensureTopic(cluster, topic);
    TopicPartition tp = new TopicPartition(topic, 0);
    Map<String, Object> props = new HashMap<>(cluster.clientProps());
    props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, topic);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    // A transaction begun right after a commit is refused (CONCURRENT_TRANSACTIONS) until the
    // broker
    // has written the last one's markers, and retried after retry.backoff.ms: at the default 100 ms
    // that back-off was most of what this measured (p50 106 ms; 18 ms at 5 ms).
    props.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5);
    ConsumerGroupMetadata group = new ConsumerGroupMetadata(topic);
    double[] ms = new double[n];
    double addMs = 0;
    double commitMs = 0;
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      producer.initTransactions();
      byte[] payload = new byte[100];
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>(topic, 0, null, payload));
        producer.sendOffsetsToTransaction(Map.of(tp, new OffsetAndMetadata(i)), group);
        long t1 = System.nanoTime();
        producer.commitTransaction();
        long t2 = System.nanoTime();
        ms[i] = (t2 - t0) / 1e6;
        addMs += (t1 - t0) / 1e6;
        commitMs += (t2 - t1) / 1e6;
      }
    }
    return new Measured(ms, addMs, commitMs);
  }
}
