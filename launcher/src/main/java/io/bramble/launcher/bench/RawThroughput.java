package io.bramble.launcher.bench;

import io.bramble.runtime.ClusterConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * What one producer→consumer pair moves through one topic of the cluster's broker (acks=all, the
 * producer's default batching), for comparison with what Bramble moves through the same broker.
 */
final class RawThroughput {
  private RawThroughput() {}

  /** Records per second consumed while a producer sends 100-byte records for {@code duration}. */
  static double measure(ClusterConfig cluster, Duration duration) throws InterruptedException {
    String topic = cluster.topics().prefix() + "bench-throughput";
    try (Admin admin = Admin.create(cluster.clientProps())) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("cannot create " + topic + ": " + e.getCause(), e);
      }
    }
    Map<String, Object> producerProps = new HashMap<>(cluster.clientProps());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    Map<String, Object> consumerProps = new HashMap<>(cluster.clientProps());
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    TopicPartition tp = new TopicPartition(topic, 0);
    AtomicBoolean sending = new AtomicBoolean(true);
    try (KafkaProducer<byte[], byte[]> producer =
            new KafkaProducer<>(
                producerProps, new ByteArraySerializer(), new ByteArraySerializer());
        KafkaConsumer<byte[], byte[]> consumer =
            new KafkaConsumer<>(
                consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seekToEnd(List.of(tp));
      long start = consumer.position(tp);
      byte[] payload = new byte[100];
      Thread sender =
          new Thread(
              () -> {
                while (sending.get()) {
                  producer.send(new ProducerRecord<>(topic, 0, null, payload));
                }
                producer.flush();
              },
              "bench-raw-producer");
      long t0 = System.nanoTime();
      sender.start();
      long consumed = 0;
      long deadline = t0 + duration.toNanos();
      while (System.nanoTime() < deadline) {
        consumed += consumer.poll(Duration.ofMillis(50)).count();
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      sending.set(false);
      sender.join();
      if (consumed == 0) {
        throw new IllegalStateException(
            "no record of " + topic + " came back (from " + start + ")");
      }
      return consumed / seconds;
    }
  }
}
