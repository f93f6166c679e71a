package io.bramble.launcher.bench;

import io.bramble.runtime.ClusterConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The transport floor: one record produced (acks=all) and consumed again on the cluster's broker,
 * one at a time, on a topic of its own. What a Bramble hop is measured against.
 */
final class RoundTrip {
  private RoundTrip() {}

  /** Creates {@code topic}, one partition, unless it exists. */
  static void ensureTopic(ClusterConfig cluster, String topic) {
    try (Admin admin = Admin.create(cluster.clientProps())) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create " + topic + ": " + e.getCause(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Milliseconds of {@code n} produce→consume round trips, in order. */
  static double[] measure(ClusterConfig cluster, int n) {
    String topic = cluster.topics().prefix() + "bench-round-trip";
    TopicPartition tp = new TopicPartition(topic, 0);
    ensureTopic(cluster, topic);
    Map<String, Object> producerProps = new HashMap<>(cluster.clientProps());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    Map<String, Object> consumerProps = new HashMap<>(cluster.clientProps());
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    double[] ms = new double[n];
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToEnd(List.of(tp));
      consumer.position(tp);
      byte[] payload = new byte[100];
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        producer.send(new ProducerRecord<>(topic, 0, null, payload));
        boolean seen = false;
        long deadline = t0 + Duration.ofSeconds(10).toNanos();
        while (!seen) {
          for (ConsumerRecord<byte[], byte[]> ignored : consumer.poll(Duration.ofMillis(1))) {
            seen = true;
          }
          if (!seen && System.nanoTime() > deadline) {
            throw new IllegalStateException("a record produced to " + topic + " did not come back");
          }
        }
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    return ms;
  }
}
