package io.bramble.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.embedded.EmbeddedKafka;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A task run's events reach the events topic in few records, each of one app, none too big. */
class EventBatcherTest {
  private static final AtomicInteger TOPICS = new AtomicInteger();
  private static final Duration HOUR = Duration.ofHours(1);

  @TempDir static Path dir;
  private static EmbeddedKafka kafka;
  private static KafkaProducer<String, byte[]> producer;
  private static ScheduledExecutorService scheduler;

  private final AvroSerde<TrackingEvent> serde =
      BrambleSerdes.forType(TrackingEvent.class, new InMemorySchemaRegistry());
  private String topic;

  @BeforeAll
  static void startBroker() {
    kafka = EmbeddedKafka.builder().dataDir(dir).build().start();
    producer =
        new KafkaProducer<>(
            Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
            new StringSerializer(),
            new ByteArraySerializer());
    scheduler = Executors.newSingleThreadScheduledExecutor();
  }

  @AfterAll
  static void stopBroker() {
    scheduler.shutdownNow();
    producer.close();
    kafka.close();
  }

  @BeforeEach
  void createTopic() throws Exception {
    topic = "events-" + TOPICS.incrementAndGet();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
    }
  }

  private EventBatcher batcher(Duration window) {
    return new EventBatcher(producer, serde, topic, scheduler, window);
  }

  private static TrackingEvent step(String appId, long sequenceId) {
    return TrackingEvent.newBuilder()
        .setAppId(appId)
        .setKind(EventKind.STEP_END)
        .setSequenceId(sequenceId)
        .build();
  }

  private List<ConsumerRecord<String, byte[]>> records() {
    producer.flush();
    return TopicReader.readAll(
        ClusterConfig.of(kafka.bootstrapServers(), "http://localhost:1"),
        topic,
        Duration.ofSeconds(30));
  }

  /** Every event the topic holds, in order, as readers see them. */
  private List<TrackingEvent> events(List<ConsumerRecord<String, byte[]>> records) {
    return records.stream()
        .flatMap(r -> TrackingEvents.unbatched(serde.deserialize(topic, r.value())).stream())
        .toList();
  }

  @Test
  void aRunsEventsGoOutAsOneRecordAtItsEndAndLaterOnesAtOnce() {
    EventBatcher b = batcher(HOUR);
    for (long s = 0; s < 4; s++) {
      b.accept(step("app-1", s));
    }
    b.close();
    b.accept(step("app-1", 4)); // a step start whose timer fired as the run ended

    List<ConsumerRecord<String, byte[]>> records = records();
    assertThat(records).hasSize(2);
    assertThat(events(records))
        .extracting(TrackingEvent::getSequenceId)
        .containsExactly(0L, 1L, 2L, 3L, 4L);
    assertThat(events(records)).allMatch(e -> e.getBatched().isEmpty());
  }

  @Test
  void aRecordHoldsTheEventsOfOneApp() {
    EventBatcher b = batcher(HOUR);
    b.accept(step("app-1", 0));
    b.accept(step("app-1", 1));
    b.accept(step("app-2", 0));
    b.close();

    List<ConsumerRecord<String, byte[]>> records = records();
    assertThat(records).extracting(ConsumerRecord::key).containsExactly("app-1", "app-2");
    assertThat(events(records))
        .extracting(TrackingEvent::getAppId)
        .containsExactly("app-1", "app-1", "app-2");
  }

  @Test
  void aWindowsEventsGoOutWhenItEnds() throws Exception {
    EventBatcher b = batcher(Duration.ofMillis(20));
    b.accept(step("app-1", 0));
    b.accept(step("app-1", 1));

    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<ConsumerRecord<String, byte[]>> records = records();
    while (records.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(50);
      records = records();
    }
    assertThat(events(records)).extracting(TrackingEvent::getSequenceId).containsExactly(0L, 1L);
    b.close();
  }

  @Test
  void manyEventsGoOutAFewHundredARecord() {
    EventBatcher b = batcher(HOUR);
    int n = EventBatcher.MAX_EVENTS + 88;
    for (long s = 0; s < n; s++) {
      b.accept(step("app-1", s));
    }
    assertThat(records()).as("a full record goes out before the run ends").hasSize(1);
    b.close();

    List<ConsumerRecord<String, byte[]>> records = records();
    assertThat(records).hasSize(2);
    assertThat(events(records))
        .extracting(TrackingEvent::getSequenceId)
        .containsExactlyElementsOf(LongStream.range(0, n).boxed().toList());
  }

  @Test
  void aBatchTooBigForOneRecordIsSplit() {
    EventBatcher b = batcher(HOUR);
    String big = "x".repeat(200 * 1024);
    for (long s = 0; s < 6; s++) {
      TrackingEvent e = step("app-1", s);
      e.setState(StateCodec.fromMap(Map.of("text", big)));
      b.accept(e);
    }
    b.close();

    List<ConsumerRecord<String, byte[]>> records = records();
    assertThat(records.size()).isBetween(3, 6);
    assertThat(records).allMatch(r -> r.value().length < 1024 * 1024);
    assertThat(events(records))
        .extracting(TrackingEvent::getSequenceId)
        .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
  }
}
