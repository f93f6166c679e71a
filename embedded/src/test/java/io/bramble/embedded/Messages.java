package io.bramble.embedded;

import io.bramble.core.state.State;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.ParentRef;
import io.bramble.schemas.avro.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Realistic Bramble messages and plain produce/consume helpers for the integration tests. */
final class Messages {
  private Messages() {}

  static JobRequest jobRequest(String appId) {
    return JobRequest.newBuilder()
        .setAppId(appId)
        .setGraph("poems")
        .setState(StateCodec.toAvro(State.of("topic", "the sea")))
        .setInputs(StateCodec.fromMap(Map.of("max_drafts", 2L)))
        .setHaltAfter(List.of("final"))
        .setSubmittedAtMs(1_700_000_000_000L)
        .build();
  }

  static Task task(String appId) {
    State state =
        State.of(
            "topic",
            "the sea",
            "drafts",
            List.of("draft one"),
            "meta",
            Map.of("model", "gpt", "temperature", 0.7));
    return Task.newBuilder()
        .setTaskId("t-" + appId)
        .setAppId(appId)
        .setGraph("poems")
        .setGraphVersion("1")
        .setPartitionKey("user-7")
        .setRootAppId("poems-1")
        .setPosition("edit")
        .setSequenceId(5L)
        .setState(StateCodec.toAvro(state))
        .setInputs(StateCodec.fromMap(Map.of("feedback", "shorter")))
        .setHaltBefore(List.of())
        .setHaltAfter(List.of("final"))
        .setParent(new ParentRef("poems-1", 4L, "poems-1/4", 1, 3))
        .setSubGraph("write_poems#1")
        .setAttempt(0)
        .build();
  }

  static <T extends SpecificRecord> void produce(
      String bootstrap, String topic, Serializer<T> serializer, List<T> values) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<String, T> producer =
        new KafkaProducer<>(p, new StringSerializer(), serializer)) {
      for (T value : values) {
        producer.send(new ProducerRecord<>(topic, String.valueOf(value.get(0)), value)).get();
      }
    }
  }

  static <T> List<T> consume(
      String bootstrap, String topic, Deserializer<T> deserializer, int count) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    List<T> values = new ArrayList<>();
    try (KafkaConsumer<String, T> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), deserializer)) {
      consumer.assign(
          consumer.partitionsFor(topic).stream()
              .map(info -> new TopicPartition(topic, info.partition()))
              .toList());
      consumer.seekToBeginning(consumer.assignment());
      long deadline = System.currentTimeMillis() + 20_000;
      while (values.size() < count && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, T> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
    }
    return values;
  }

  static List<byte[]> consumeRaw(String bootstrap, String topic, int count) {
    return consume(bootstrap, topic, new ByteArrayDeserializer(), count);
  }

  /** The schema id in a Confluent-framed record (after the magic byte 0). */
  static int schemaId(byte[] framed) {
    return ((framed[1] & 0xff) << 24)
        | ((framed[2] & 0xff) << 16)
        | ((framed[3] & 0xff) << 8)
        | (framed[4] & 0xff);
  }
}
