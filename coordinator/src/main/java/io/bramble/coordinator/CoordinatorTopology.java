package io.bramble.coordinator;

import io.bramble.runtime.Topics;
import io.bramble.runtime.Tracing;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.SchemaRegistry;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.function.Predicate;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.RecordContext;
import org.apache.kafka.streams.state.Stores;

/**
 * The coordinator's data flow, top to bottom: jobs become root tasks; fan-outs become pending joins
 * and child tasks; results fill joins and, once complete, become the task that reduces the join on
 * a worker (the coordinator runs no user code and loads no graph); moved apps' next tasks go to
 * their pool's tasks topic; root results become job results. The three sources share one
 * sub-topology and its stores, so jobs, fanouts and results must have equal partition counts (every
 * record of one join is keyed by the parent's app id and lands in one task).
 */
public final class CoordinatorTopology {
  private CoordinatorTopology() {}

  /** {@code poolExists}: whether a pool has a tasks topic (a move to one that has none fails). */
  public static Topology build(
      Topics topics, Predicate<String> poolExists, SchemaRegistry schemas) {
    return build(
        topics,
        poolExists,
        ValueCleanup.NONE,
        schemas,
        new SimpleMeterRegistry(),
        OpenTelemetry.noop());
  }

  /**
   * The topology, counting jobs and joins in {@code meters} and tracing with {@code openTelemetry};
   * {@code valueCleanup} removes a completed job's stored values.
   */
  static Topology build(
      Topics topics,
      Predicate<String> poolExists,
      ValueCleanup valueCleanup,
      SchemaRegistry schemas,
      MeterRegistry meters,
      OpenTelemetry openTelemetry) {
    CoordinatorMetrics metrics = new CoordinatorMetrics(meters);
    Tracing tracing = new Tracing(openTelemetry);
    JoinCompleter completer = new JoinCompleter(metrics, tracing);
    StringDeserializer keyIn = new StringDeserializer();
    ByteArrayDeserializer valueIn = new ByteArrayDeserializer();
    StringSerializer keyOut = new StringSerializer();

    Topology t = new Topology();

    t.addSource("jobs", keyIn, valueIn, topics.jobs());
    t.addProcessor(
        "intake",
        () -> new JobIntakeProcessor(BrambleSerdes.decoding(JobRequest.class, schemas), tracing),
        "jobs");

    t.addSource("fanouts", keyIn, valueIn, topics.fanouts());
    t.addProcessor(
        "fan-out",
        () ->
            new FanOutProcessor(BrambleSerdes.decoding(FanOut.class, schemas), completer, tracing),
        "fanouts");

    t.addSource("results", keyIn, valueIn, topics.results());
    t.addProcessor(
        "join",
        () ->
            new ResultJoinProcessor(
                BrambleSerdes.decoding(TaskResult.class, schemas),
                completer,
                metrics,
                tracing,
                poolExists,
                valueCleanup),
        "results");

    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.JOBS),
            Serdes.String(),
            avro(JobRequest.class, schemas)),
        "intake",
        "fan-out",
        "join");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.JOB_RESULTS),
            Serdes.String(),
            avro(JobResult.class, schemas)),
        "intake",
        "fan-out",
        "join");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.JOINS),
            Serdes.String(),
            avro(FanOut.class, schemas)),
        "fan-out",
        "join");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.JOIN_RESULTS),
            Serdes.String(),
            avro(TaskResult.class, schemas)),
        "join");
    t.addStateStore(
        // Cached: a join's count changes with every child result; the changelog gets its value
        // once per commit, not once per child.
        Stores.keyValueStoreBuilder(
                Stores.persistentKeyValueStore(StoreNames.JOIN_COUNTS),
                Serdes.String(),
                Serdes.Long())
            .withCachingEnabled(),
        "fan-out",
        "join");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.JOINS_DONE), Serdes.String(), Serdes.Long()),
        "fan-out",
        "join");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.APP_STEPS), Serdes.String(), Serdes.Long()),
        "fan-out",
        "join");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.TREES), Serdes.String(), Serdes.String()),
        "intake",
        "fan-out",
        "join");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.HALTED),
            Serdes.String(),
            avro(Task.class, schemas)),
        "intake",
        "join");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.RESUMES), Serdes.String(), Serdes.String()),
        "intake",
        "join");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.JOIN_WAITING),
            Serdes.String(),
            avro(TaskResult.class, schemas)),
        "fan-out",
        "join");

    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.JOIN_QUEUED),
            Serdes.String(),
            avro(Task.class, schemas)),
        "fan-out",
        "join");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.JOIN_DEADLINES),
            Serdes.String(),
            Serdes.String()),
        "fan-out",
        "join");
    t.addStateStore(
        Stores.keyValueStoreBuilder(
            Stores.persistentKeyValueStore(StoreNames.MOVES), Serdes.String(), Serdes.Long()),
        "intake",
        "fan-out",
        "join");

    // Every task to its pool's topic.
    t.addSink(
        Sinks.TASKS,
        (String key, Object task, RecordContext record) -> topics.tasks(((Task) task).getPool()),
        keyOut,
        serializer(Task.class, schemas),
        "intake",
        "fan-out",
        "join");
    t.addSink(
        Sinks.RESULTS,
        topics.results(),
        keyOut,
        serializer(TaskResult.class, schemas),
        "fan-out",
        "join");
    t.addSink(
        Sinks.JOB_RESULTS,
        topics.jobResults(),
        keyOut,
        serializer(JobResult.class, schemas),
        "intake",
        "fan-out",
        "join");
    t.addSink(
        Sinks.EVENTS,
        topics.events(),
        keyOut,
        serializer(TrackingEvent.class, schemas),
        "intake",
        "fan-out",
        "join");
    t.addSink(
        Sinks.DLQ, topics.dlq(), keyOut, new ByteArraySerializer(), "intake", "fan-out", "join");
    // Tombstones of a completed job's tree, and cancellations of children a join completed without.
    t.addSink(
        Sinks.CHECKPOINTS,
        topics.checkpoints(),
        keyOut,
        serializer(Checkpoint.class, schemas),
        "join");
    return t;
  }

  private static <T extends SpecificRecord> AvroSerde<T> avro(
      Class<T> type, SchemaRegistry schemas) {
    return BrambleSerdes.forType(type, schemas);
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> Serializer<Object> serializer(
      Class<T> type, SchemaRegistry schemas) {
    return (Serializer<Object>) (Serializer<?>) BrambleSerdes.forType(type, schemas).serializer();
  }
}
