package io.bramble.worker;

import io.bramble.core.registry.GraphRegistry;
import io.bramble.runtime.Tracing;
import io.bramble.runtime.values.ValueStore;
import io.bramble.runtime.values.ValueStores;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.JoinedPage;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.SchemaRegistry;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A worker: for each pool it serves, a member of that pool's consumer group on the pool's tasks
 * topic ({@link TaskConsumer}); it runs each task it is given ({@link TaskPipeline}), resuming apps
 * from the checkpoints of the partitions it owns ({@link CheckpointStore}).
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final WorkerConfig config;
  private final MeterRegistry meters;
  private final List<KafkaClientMetrics> clientMetrics = new CopyOnWriteArrayList<>();
  private final KafkaProducer<String, byte[]> producer;
  private final CheckpointStore checkpoints;
  private final VersionLanes lanes;
  private final MigrationsReader migrations;
  private final ValueStore values;
  private final TaskPipeline pipeline;
  private final WorkerMetrics metrics;
  private final List<TaskConsumer> tasks = new ArrayList<>();
  private final ScheduledThreadPoolExecutor stepStarts = stepStartScheduler();

  public Worker(WorkerConfig config, GraphRegistry registry, SchemaRegistry schemas) {
    this(config, registry, schemas, new SimpleMeterRegistry());
  }

  /**
   * A worker whose meters (task outcomes, step durations, Kafka client metrics) go to {@code
   * meters}.
   */
  public Worker(
      WorkerConfig config, GraphRegistry registry, SchemaRegistry schemas, MeterRegistry meters) {
    this(config, registry, schemas, meters, GlobalOpenTelemetry.get());
  }

  /**
   * As above, tracing tasks and steps with {@code openTelemetry}, in the trace each task record
   * carries.
   */
  public Worker(
      WorkerConfig config,
      GraphRegistry registry,
      SchemaRegistry schemas,
      MeterRegistry meters,
      OpenTelemetry openTelemetry) {
    this.config = config;
    this.meters = meters;
    this.metrics = new WorkerMetrics(meters, config.workerId());
    Map<String, Object> producerProps = new HashMap<>(config.cluster().clientProps());
    producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, config.workerId());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    // Many tasks write at once: 5 ms lets their records share produce requests (measured: 3,730
    // child tasks/s at 5 ms where 1 ms gave 2,730, at the same job latency).
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    this.producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
    bind(new KafkaClientMetrics(producer));
    // Names this process on its checkpoints, so it can skip their echo (a restart is a new one).
    String writerId = config.workerId() + "/" + UUID.randomUUID();
    this.values = ValueStores.open(config.cluster(), config.workerId());
    this.checkpoints =
        new CheckpointStore(
            config.cluster().clientProps(),
            config.cluster().topics().checkpoints(),
            BrambleSerdes.forType(Checkpoint.class, schemas),
            config.workerId(),
            writerId,
            this::deadLetterCheckpoint,
            values);
    this.lanes = new VersionLanes(config.cluster(), registry);
    this.migrations = new MigrationsReader(config.cluster(), schemas, config.workerId());
    AvroSerde<TrackingEvent> eventSerde = BrambleSerdes.forType(TrackingEvent.class, schemas);
    String eventsTopic = config.cluster().topics().events();
    AppMigration migration =
        new AppMigration(
            registry,
            migrations,
            e ->
                producer.send(
                    new ProducerRecord<>(
                        eventsTopic, e.getAppId(), eventSerde.serialize(eventsTopic, e))),
            config.workerId());
    this.pipeline =
        new TaskPipeline(
            config.workerId(),
            config.cluster().topics(),
            new TaskRunner(
                registry,
                metrics::retried,
                values,
                config.cluster().values(),
                new KafkaJoinedPages(
                    config.cluster().clientProps(),
                    BrambleSerdes.forType(JoinedPage.class, schemas).deserializer()),
                migration),
            new Tracing(openTelemetry),
            metrics,
            producer,
            checkpoints,
            lanes,
            migration,
            this::owns,
            stepStarts,
            config.checkpointInterval(),
            schemas);
    for (String pool : config.pools().keySet()) {
      tasks.add(
          new TaskConsumer(
              config,
              pool,
              lanes.lanesOf(pool),
              checkpoints,
              pipeline::handle,
              meters,
              this::bind));
    }
    FunctionCounter.builder("bramble.checkpoints.read", checkpoints, CheckpointStore::recordsRead)
        .description("Checkpoint records read from the checkpoints topic")
        .tag("worker", config.workerId())
        .register(meters);
    Gauge.builder(
            "bramble.checkpoints.cancellations.held",
            checkpoints,
            CheckpointStore::cancellationsHeld)
        .description("Cancelled apps this worker knows of, whose tasks it skips or stops")
        .tag("worker", config.workerId())
        .register(meters);
    Gauge.builder("bramble.migrations.held", migrations, MigrationsReader::held)
        .description("Jobs being migrated to another graph version that this worker knows of")
        .tag("worker", config.workerId())
        .register(meters);
    Gauge.builder("bramble.checkpoints.apps.held", checkpoints, CheckpointStore::appsHeld)
        .description("Apps whose latest checkpoint this worker holds in memory")
        .tag("worker", config.workerId())
        .register(meters);
  }

  public String workerId() {
    return config.workerId();
  }

  /** Tasks this worker has finished (a result or a fan-out written). */
  public long tasksDone() {
    return pipeline.tasksDone();
  }

  /** Tasks of cancelled apps this worker skipped or stopped at a step boundary. */
  public long tasksCancelled() {
    return metrics.tasksCancelled();
  }

  /** Tasks of graph versions this worker does not have, handed on to their lanes. */
  public long tasksHandedOn() {
    return metrics.tasksHandedOn();
  }

  /** Cancelled apps this worker knows of (read from the checkpoints of its partitions). */
  public int cancellationsHeld() {
    return checkpoints.cancellationsHeld();
  }

  /** Jobs being migrated that this worker knows of (read from the migrations topic). */
  public int migrationsHeld() {
    return migrations.held();
  }

  /** Checkpoint records this worker has read from the checkpoints topic. */
  public long checkpointRecordsRead() {
    return checkpoints.recordsRead();
  }

  /** Apps whose latest checkpoint this worker holds in memory now. */
  public int checkpointAppsHeld() {
    return checkpoints.appsHeld();
  }

  /** The pools this worker serves. */
  public Set<String> pools() {
    return config.pools().keySet();
  }

  /** The task partitions (of every pool's tasks topic) this worker owns now. */
  public Set<TopicPartition> assignment() {
    Set<TopicPartition> all = new HashSet<>();
    tasks.forEach(t -> all.addAll(t.assignment()));
    return all;
  }

  /**
   * True once {@link #start()} has run, until the task consumer is closed or has failed, or the
   * checkpoint reader has stopped (without it no task can resume, so the worker is not ready).
   */
  public boolean isRunning() {
    return tasks.stream().allMatch(TaskConsumer::isRunning) && checkpoints.failure().isEmpty();
  }

  /** Why the worker is not running, or null while it is. */
  public String problem() {
    if (!tasks.stream().allMatch(TaskConsumer::isStarted)) {
      return "not started";
    }
    if (checkpoints.failure().isPresent()) {
      return "checkpoint reader stopped: " + checkpoints.failure().get().getMessage();
    }
    for (TaskConsumer t : tasks) {
      if (!t.isRunning()) {
        return "task consumer of pool " + t.pool() + " closed or failed";
      }
    }
    return null;
  }

  public void start() {
    checkpoints.start();
    migrations.start();
    for (TaskConsumer t : tasks) {
      t.start();
      log.info(
          "worker {} consuming {} (pool {}) with concurrency {}",
          config.workerId(),
          t.topic(),
          t.pool(),
          config.concurrency(t.pool()));
    }
  }

  /**
   * Sends the starts of steps still running after a while. Almost every step ends first and cancels
   * its send: those are removed at once, not left queued until their delay has passed.
   */
  private static ScheduledThreadPoolExecutor stepStartScheduler() {
    ScheduledThreadPoolExecutor scheduler =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "bramble-step-starts");
              t.setDaemon(true);
              return t;
            });
    scheduler.setRemoveOnCancelPolicy(true);
    return scheduler;
  }

  private void deadLetterCheckpoint(ConsumerRecord<String, byte[]> record, String failure) {
    pipeline.deadLetterCheckpoint(record, failure);
  }

  private boolean owns(TopicPartition partition) {
    return tasks.stream().anyMatch(t -> t.owns(partition));
  }

  private void bind(KafkaClientMetrics binder) {
    binder.bindTo(meters);
    clientMetrics.add(binder);
  }

  /**
   * Graceful shutdown: takes no new tasks, lets running ones finish and write their outcome,
   * commits their offsets and leaves the group, so their partitions move at once.
   */
  @Override
  public void close() {
    tasks.forEach(TaskConsumer::close);
    stepStarts.shutdownNow();
    checkpoints.close();
    migrations.close();
    lanes.close();
    values.close();
    producer.close(Duration.ofSeconds(5));
    clientMetrics.forEach(KafkaClientMetrics::close);
  }
}
