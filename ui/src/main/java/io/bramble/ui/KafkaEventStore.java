package io.bramble.ui;

import com.fasterxml.jackson.databind.JsonNode;
import io.bramble.core.state.StateJson;
import io.bramble.core.tracking.ModelCall;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.DeclaredInputs;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.TrackingEvents;
import io.bramble.runtime.values.ValueStore;
import io.bramble.runtime.values.ValueStores;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.StoredValue;
import io.bramble.schemas.avro.AppStatus;
import io.bramble.schemas.avro.Entry;
import io.bramble.schemas.avro.StateData;
import io.bramble.schemas.avro.StoredRef;
import io.bramble.schemas.avro.StreamChunk;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.SchemaRegistry;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows a cluster's events topic (and its streams topic, for the live output of running steps)
 * into an {@link AppIndex}: one thread with a consumer that is assigned every partition (no
 * consumer group, nothing committed), reads from the beginning and keeps polling; partitions added
 * later are picked up every 30 s. Committed records only (read_committed: the coordinator writes
 * events in its transactions).
 */
public final class KafkaEventStore implements UiStore {
  private static final Duration PARTITION_CHECK = Duration.ofSeconds(30);

  private final ClusterConfig cluster;
  private final AvroSerde<TrackingEvent> serde;
  private final AvroSerde<StreamChunk> chunkSerde;
  private final AppIndex index = new AppIndex();
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread thread;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final AtomicLong events = new AtomicLong();
  private final AtomicLong undecodable = new AtomicLong();
  private volatile boolean running = true;
  private volatile String problem;
  private final Map<String, StoredRef> stored = new ConcurrentHashMap<>();
  private ValueStore values;

  public KafkaEventStore(ClusterConfig cluster, SchemaRegistry schemas) {
    this.cluster = cluster;
    this.serde = BrambleSerdes.forType(TrackingEvent.class, schemas);
    this.chunkSerde = BrambleSerdes.forType(StreamChunk.class, schemas);
    Map<String, Object> props = TopicReader.readerProps(cluster.clientProps());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "bramble-ui");
    props.remove(ConsumerConfig.GROUP_ID_CONFIG);
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.thread = new Thread(this::follow, "bramble-ui-events");
    this.thread.setDaemon(true);
    this.thread.start();
  }

  @Override
  public AppIndex index() {
    return index;
  }

  @Override
  public String description() {
    return "events topic "
        + cluster.topics().events()
        + " on "
        + cluster.bootstrapServers()
        + " ("
        + events.get()
        + " events"
        + (undecodable.get() > 0 ? ", " + undecodable.get() + " undecodable" : "")
        + (problem == null ? "" : "; " + problem)
        + ")";
  }

  @Override
  public boolean ready() {
    return caughtUp.getCount() == 0;
  }

  /** Waits until the topic has been read up to where it ended when the store started. */
  public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
    return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void follow() {
    String topic = cluster.topics().events();
    String streams = cluster.topics().streams();
    List<TopicPartition> assigned = new ArrayList<>();
    Map<TopicPartition, Long> startEnd = null;
    long nextCheck = 0;
    try {
      while (running) {
        if (System.currentTimeMillis() >= nextCheck) {
          List<TopicPartition> all = new ArrayList<>(partitions(topic));
          if (!all.isEmpty()) {
            all.addAll(partitions(streams));
          }
          if (all.size() > assigned.size()) {
            List<TopicPartition> added = all.stream().filter(tp -> !assigned.contains(tp)).toList();
            assigned.addAll(added);
            consumer.assign(assigned);
            consumer.seekToBeginning(added);
            if (startEnd == null) {
              startEnd = consumer.endOffsets(assigned);
            }
          }
          nextCheck =
              System.currentTimeMillis() + (assigned.isEmpty() ? 1000 : PARTITION_CHECK.toMillis());
        }
        if (assigned.isEmpty()) {
          Thread.sleep(200);
          continue;
        }
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          apply(r);
        }
        if (caughtUp.getCount() > 0 && startEnd != null) {
          Map<TopicPartition, Long> end = startEnd;
          if (end.keySet().stream().allMatch(tp -> consumer.position(tp) >= end.get(tp))) {
            caughtUp.countDown();
          }
        }
      }
    } catch (WakeupException | InterruptedException stopping) {
      // closed
    } catch (RuntimeException e) {
      problem = "stopped reading: " + e;
      throw e;
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  private List<TopicPartition> partitions(String topic) {
    try {
      List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(5));
      problem = infos == null || infos.isEmpty() ? "topic " + topic + " not found yet" : null;
      return infos == null
          ? List.of()
          : infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
    } catch (TimeoutException e) {
      problem = "cannot reach the cluster: " + e.getMessage();
      return List.of();
    }
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return;
    }
    if (r.topic().equals(cluster.topics().streams())) {
      streamed(r);
      return;
    }
    TrackingEvent record;
    try {
      record = serde.deserialize(r.topic(), r.value());
    } catch (RuntimeException bad) {
      undecodable.incrementAndGet();
      return;
    }
    for (TrackingEvent e : TrackingEvents.unbatched(record)) {
      events.incrementAndGet();
      rememberStored(e);
      apply(index, e);
    }
  }

  /** The references of the stored values an event's states show, so the page can load them. */
  private void rememberStored(TrackingEvent e) {
    for (StateData data : new StateData[] {e.getState(), e.getInputs(), e.getStepResult()}) {
      if (data == null) {
        continue;
      }
      for (Entry entry : data.getEntries()) {
        if (entry.getValue() != null && entry.getValue().getValue() instanceof StoredRef ref) {
          stored.put(ref.getSha256(), ref);
        }
      }
    }
  }

  /**
   * A stored value the events showed by its digest, read whole from its value store (the page asks
   * for it on demand); empty when no event showed it, or when it was removed with its job.
   */
  @Override
  public Optional<JsonNode> value(String sha256) {
    StoredRef ref = stored.get(sha256);
    if (ref == null) {
      return Optional.empty();
    }
    Object value;
    try {
      value = new StoredValue(ref, values()).value();
    } catch (RuntimeException removed) {
      return Optional.empty();
    }
    return Optional.of(StateJson.toNode(value));
  }

  private synchronized ValueStore values() {
    if (values == null) {
      values = ValueStores.open(cluster, "bramble-ui");
    }
    return values;
  }

  /** A chunk of a running step's stream: the app's live output. */
  private void streamed(ConsumerRecord<String, byte[]> r) {
    StreamChunk c;
    try {
      c = chunkSerde.deserialize(r.topic(), r.value());
    } catch (RuntimeException bad) {
      undecodable.incrementAndGet();
      return;
    }
    index.streamed(
        c.getRootAppId(),
        c.getAppId(),
        c.getLabel(),
        c.getAction(),
        c.getSequenceId(),
        c.getRunId(),
        c.getText(),
        c.getEmittedAtMs());
  }

  /** Folds one event into {@code index}. */
  static void apply(AppIndex index, TrackingEvent e) {
    String appId = e.getAppId();
    long seq = e.getSequenceId() == null ? -1 : e.getSequenceId();
    long at = e.getTimestampMs();
    switch (e.getKind()) {
      case APP_CREATED -> {
        if (!e.getDuplicateSubmission()) {
          index.appCreated(
              appId,
              e.getGraphName(),
              TrackingEvents.view(e.getGraph()),
              e.getEntrypoint(),
              e.getPartitionKey(),
              e.getParentAppId(),
              e.getParentSequenceId(),
              e.getRootAppId(),
              e.getLabel(),
              at);
          if (e.getGraphVersion() != null) {
            index.graphVersion(appId, e.getGraphVersion());
          }
        }
      }
      case STEP_START ->
          index.stepStart(
              appId,
              seq,
              e.getAction(),
              json(e.getInputs()),
              null,
              e.getStartedAtMs() == null ? at : e.getStartedAtMs());
      case STEP_END ->
          index.stepEnd(
              appId,
              seq,
              e.getAction(),
              json(e.getInputs()),
              json(e.getStepResult()),
              json(e.getState()),
              e.getStartedAtMs(),
              e.getEndedAtMs() == null ? at : e.getEndedAtMs(),
              e.getError() == null ? null : e.getError().getMessage(),
              e.getError() == null ? null : e.getError().getStackTrace(),
              e.getModelCalls().stream()
                  .map(
                      c ->
                          new ModelCall(
                              c.getModel(),
                              c.getInputTokens(),
                              c.getOutputTokens(),
                              c.getDurationMs()))
                  .toList());
      case SPAWN -> index.spawn(appId, seq, e.getAction(), e.getChildAppId(), e.getChildIndex());
      case FANOUT ->
          index.fanOut(
              appId,
              seq,
              e.getAction(),
              e.getTotal() == null ? e.getChildAppIds().size() : e.getTotal(),
              e.getChildIndex() == null ? 0 : e.getChildIndex(),
              e.getChildAppIds(),
              at);
      case JOIN_PROGRESS ->
          index.joinProgress(
              appId,
              seq,
              e.getAction(),
              e.getDone() == null ? 0 : e.getDone(),
              e.getTotal() == null ? 0 : e.getTotal(),
              e.getReduced(),
              at);
      case APP_ENDED ->
          index.appEnded(
              appId,
              e.getStatus() == null ? null : e.getStatus().name(),
              e.getNextAction(),
              e.getNextInputs() == null ? null : DeclaredInputs.fromAvro(e.getNextInputs()),
              at);
      case JOB_DONE -> {
        if (e.getStatus() == AppStatus.HALTED) {
          index.jobHalted(appId, e.getNextAction(), e.getChildAppIds(), at);
        } else {
          index.jobDone(
              appId,
              e.getStatus() == null ? null : e.getStatus().name(),
              e.getError() == null ? null : e.getError().getMessage(),
              e.getGraphName(),
              at);
        }
      }
      case RESUMED -> index.resumed(appId, e.getRootAppId(), at);
      case POOL_WAITING ->
          index.poolWaiting(appId, e.getPool(), e.getLag() == null ? 0 : e.getLag(), at);
      case POOL_SERVED -> index.poolServed(appId, e.getPool(), at);
      case MIGRATED, MIGRATION_REFUSED ->
          index.migrated(
              appId,
              e.getFromGraphVersion(),
              e.getGraphVersion(),
              e.getAction(),
              e.getNextAction(),
              e.getError() == null ? null : e.getError().getMessage(),
              at);
      case RESUME_REFUSED, UNKNOWN -> {}
    }
  }

  private static JsonNode json(StateData values) {
    return values == null ? null : StateJson.toNode(StateCodec.toMap(values));
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    synchronized (this) {
      if (values != null) {
        values.close();
      }
    }
  }
}
