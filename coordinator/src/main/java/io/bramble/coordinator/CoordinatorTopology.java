package io.bramble.coordinator;

import io.bramble.runtime.Topics;
import io.bramble.runtime.Tracing;
import io.bramble.schemas.avro.Cancellation;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JoinedPage;
import io.bramble.schemas.avro.Migration;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.SchemaRegistry;
import io.bramble.schemas.serde.BrambleSerdes;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.processor.RecordContext;

/**
 * The coordinator's data flow, top to bottom: jobs become root tasks (a cancel of a job goes back
 * to every partition of the jobs topic, to stop its tree); fan-outs become pending joins and child
 * tasks; results fill joins and, once complete, become the task that reduces the join on a worker
 * (the coordinator runs no user code and loads no graph); moved apps' next tasks go to their pool's
 * tasks topic; root results become job results. The three sources share one sub-topology and its
 * stores, so jobs, fanouts and results must have equal partition counts (every record of one join
 * is keyed by the parent's app id and lands in one task). A join too wide for one task sends its
 * children's outcomes as pages of the joined topic.
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
    Serializer<Object> tasks = serializer(Task.class, schemas);
    JoinCompleter completer =
        new JoinCompleter(
            metrics,
            tracing,
            task -> tasks.serialize(topics.tasks(task.getPool()), task).length,
            topics.joined());
    CoordinatorStores stores = new CoordinatorStores(schemas);
    StringDeserializer keyIn = new StringDeserializer();
    ByteArrayDeserializer valueIn = new ByteArrayDeserializer();
    StringSerializer keyOut = new StringSerializer();
    String[] processors = {"intake", "fan-out", "join", "cancellation"};

    return new Topology()
        // sources: one sub-topology, so one join's records (all keyed by its parent) meet
        .addSource("jobs", keyIn, valueIn, topics.jobs())
        .addSource("fanouts", keyIn, valueIn, topics.fanouts())
        .addSource("results", keyIn, valueIn, topics.results())
        .addSource("cancellations", keyIn, valueIn, topics.cancellations())
        // processors: intake, fan-out, join
        .addProcessor(
            "intake",
            stores.using(
                () ->
                    new JobIntakeProcessor(
                        BrambleSerdes.decoding(JobRequest.class, schemas),
                        tracing,
                        valueCleanup,
                        metrics)),
            "jobs")
        .addProcessor(
            "fan-out",
            stores.using(
                () ->
                    new FanOutProcessor(
                        BrambleSerdes.decoding(FanOut.class, schemas),
                        completer,
                        tracing,
                        valueCleanup)),
            "fanouts")
        .addProcessor(
            "join",
            stores.using(
                () ->
                    new ResultJoinProcessor(
                        BrambleSerdes.decoding(TaskResult.class, schemas),
                        completer,
                        metrics,
                        tracing,
                        poolExists,
                        valueCleanup)),
            "results")
        .addProcessor(
            "cancellation",
            stores.using(
                () ->
                    new CancellationProcessor(
                        BrambleSerdes.decoding(Cancellation.class, schemas),
                        tracing,
                        valueCleanup,
                        metrics)),
            "cancellations")
        // sinks: every task to its pool's topic; the rest to their topics
        .addSink(
            Sinks.TASKS,
            (String key, Object task, RecordContext record) ->
                topics.tasks(((Task) task).getPool()),
            keyOut,
            serializer(Task.class, schemas),
            processors)
        // a cancelled job, to every partition: each stops what it holds of the job's tree
        .addSink(
            Sinks.CANCELLATIONS,
            topics.cancellations(),
            keyOut,
            serializer(Cancellation.class, schemas),
            (String topic, String key, Object cancelled, int partitions) ->
                Optional.of(IntStream.range(0, partitions).boxed().collect(Collectors.toSet())),
            processors)
        .addSink(
            Sinks.MIGRATIONS,
            topics.migrations(),
            keyOut,
            serializer(Migration.class, schemas),
            processors)
        .addSink(
            Sinks.RESULTS,
            topics.results(),
            keyOut,
            serializer(TaskResult.class, schemas),
            processors)
        .addSink(
            Sinks.JOB_RESULTS,
            topics.jobResults(),
            keyOut,
            serializer(JobResult.class, schemas),
            processors)
        .addSink(
            Sinks.EVENTS,
            topics.events(),
            keyOut,
            serializer(TrackingEvent.class, schemas),
            processors)
        .addSink(Sinks.DLQ, topics.dlq(), keyOut, new ByteArraySerializer(), processors)
        // outcomes of joins too wide for one task (and their tombstones, once the job completes)
        .addSink(
            Sinks.JOINED,
            topics.joined(),
            keyOut,
            serializer(JoinedPage.class, schemas),
            processors)
        // tombstones of a completed job's tree; cancellations of children a join completed without
        .addSink(
            Sinks.CHECKPOINTS,
            topics.checkpoints(),
            keyOut,
            serializer(Checkpoint.class, schemas),
            processors);
  }

  @SuppressWarnings("unchecked")
  private static <T extends SpecificRecord> Serializer<Object> serializer(
      Class<T> type, SchemaRegistry schemas) {
    return (Serializer<Object>) (Serializer<?>) BrambleSerdes.forType(type, schemas).serializer();
  }
}
