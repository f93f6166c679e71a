package io.bramble.worker;

import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.tracking.LifecycleHook;
import io.bramble.core.tracking.StepStart;
import io.bramble.runtime.DeadLetters;
import io.bramble.runtime.EventTracker;
import io.bramble.runtime.StepSpans;
import io.bramble.runtime.Topics;
import io.bramble.runtime.Tracing;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.SchemaRegistry;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import io.bramble.schemas.serde.Decoded;
import io.bramble.schemas.serde.DecodedDeserializer;
import io.confluent.parallelconsumer.ParallelConsumerOptions;
import io.confluent.parallelconsumer.ParallelConsumerOptions.CommitMode;
import io.confluent.parallelconsumer.ParallelConsumerOptions.ProcessingOrder;
import io.confluent.parallelconsumer.ParallelStreamProcessor;
import io.confluent.parallelconsumer.internal.DrainingCloseable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A member of the workers' consumer group on the tasks topic. Tasks run concurrently (up to {@code
 * concurrency}, one app at a time per key) on Confluent's parallel consumer, which commits an
 * offset only once its task's outcome is written and keeps polling while tasks run, so long tasks
 * never trip {@code max.poll.interval.ms}. Undecodable tasks go to the dead-letter topic.
 */
public final class Worker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Worker.class);

  private final WorkerConfig config;
  private final Topics topics;
  private final TaskRunner runner;
  private final MeterRegistry meters;
  private final Tracing tracing;
  private final WorkerMetrics metrics;
  private final List<KafkaClientMetrics> clientMetrics = new ArrayList<>();
  private final KafkaProducer<String, byte[]> producer;
  private final CheckpointStore checkpoints;
  private final AvroSerde<Checkpoint> checkpointSerde;
  private final AvroSerde<TaskResult> resultSerde;
  private final AvroSerde<FanOut> fanOutSerde;
  private final AvroSerde<TrackingEvent> eventSerde;
  private final DecodedDeserializer<Task> taskDecoder;
  private final AtomicLong barrier = new AtomicLong();
  private final AtomicLong tasksDone = new AtomicLong();
  private final Set<TopicPartition> assigned = ConcurrentHashMap.newKeySet();
  private volatile ParallelStreamProcessor<String, byte[]> processor;
  private volatile boolean closing;
  private final ScheduledExecutorService watchdog =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bramble-worker-watchdog");
            t.setDaemon(true);
            return t;
          });
  private final Counter consumerRestarts;

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
    this.tracing = new Tracing(openTelemetry);
    this.topics = config.cluster().topics();
    this.meters = meters;
    this.metrics = new WorkerMetrics(meters, config.workerId());
    this.consumerRestarts =
        Counter.builder("bramble.worker.consumer.restarts")
            .description("Task consumers rebuilt after they failed")
            .tag("worker", config.workerId())
            .register(meters);
    this.runner = new TaskRunner(registry, metrics::retried);
    Map<String, Object> producerProps = new HashMap<>(config.cluster().clientProps());
    producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, config.workerId());
    producerProps.put(ProducerConfig.ACKS_CONFIG, "all");
    producerProps.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 1);
    this.producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
    bind(new KafkaClientMetrics(producer));
    this.checkpointSerde = BrambleSerdes.forType(Checkpoint.class, schemas);
    this.resultSerde = BrambleSerdes.forType(TaskResult.class, schemas);
    this.fanOutSerde = BrambleSerdes.forType(FanOut.class, schemas);
    this.eventSerde = BrambleSerdes.forType(TrackingEvent.class, schemas);
    this.taskDecoder = BrambleSerdes.decoding(Task.class, schemas);
    this.checkpoints =
        new CheckpointStore(
            config.cluster().clientProps(),
            topics.checkpoints(),
            checkpointSerde,
            config.workerId(),
            this::deadLetterCheckpoint);
    FunctionCounter.builder("bramble.checkpoints.read", checkpoints, CheckpointStore::recordsRead)
        .description("Checkpoint records read from the checkpoints topic")
        .tag("worker", config.workerId())
        .register(meters);
  }

  public String workerId() {
    return config.workerId();
  }

  /** Tasks this worker has finished (a result or a fan-out written). */
  public long tasksDone() {
    return tasksDone.get();
  }

  /** Checkpoint records this worker has read from the checkpoints topic. */
  public long checkpointRecordsRead() {
    return checkpoints.recordsRead();
  }

  /** The task partitions this worker owns now. */
  public Set<TopicPartition> assignment() {
    return Set.copyOf(assigned);
  }

  /**
   * True once {@link #start()} has run, until the task consumer is closed or has failed, or the
   * checkpoint reader has stopped (without it no task can resume, so the worker is not ready).
   */
  public boolean isRunning() {
    ParallelStreamProcessor<String, byte[]> p = processor;
    return p != null && !p.isClosedOrFailed() && checkpoints.failure().isEmpty();
  }

  /** Why the worker is not running, or null while it is. */
  public String problem() {
    ParallelStreamProcessor<String, byte[]> p = processor;
    if (p == null) {
      return "not started";
    }
    if (checkpoints.failure().isPresent()) {
      return "checkpoint reader stopped: " + checkpoints.failure().get().getMessage();
    }
    return p.isClosedOrFailed() ? "task consumer closed or failed" : null;
  }

  public void start() {
    checkpoints.start();
    startConsuming();
    watchdog.scheduleWithFixedDelay(this::restartIfFailed, 1, 1, TimeUnit.SECONDS);
    log.info(
        "worker {} consuming {} with concurrency {}",
        config.workerId(),
        topics.tasks(),
        config.concurrency());
  }

  /**
   * The parallel consumer closes itself on some errors (measured in the container suite: after a
   * network cut or a broker pause). A worker that stayed up without consuming would hold its tasks
   * forever, so it builds a new consumer, which resumes from the committed offsets.
   */
  private void restartIfFailed() {
    ParallelStreamProcessor<String, byte[]> p = processor;
    if (closing || p == null || !p.isClosedOrFailed()) {
      return;
    }
    log.error(
        "worker {}: the task consumer failed (see the error above); starting a new one",
        config.workerId());
    assigned.clear();
    consumerRestarts.increment();
    try {
      startConsuming();
    } catch (RuntimeException e) {
      log.error(
          "worker {}: could not start a new task consumer; trying again", config.workerId(), e);
    }
  }

  private Map<String, Object> consumerProps() {
    Map<String, Object> consumerProps = new HashMap<>(config.cluster().clientProps());
    consumerProps.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    consumerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, config.workerId() + "-tasks");
    consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    consumerProps.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Tasks are written in the coordinator's transactions: never run an aborted one.
    consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumerProps.put(
        ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
    consumerProps.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(500, config.sessionTimeout().toMillis() / 4));
    // Measured in the chaos test: restarts with new member ids chained rebalances for ~40 s; a
    // static member id lets a restarted worker rejoin as itself (takeover in ~2 s). Tasks whose
    // partition a rebalance moves stop before their next step (see ownership). The
    // cooperative-sticky assignor would move fewer partitions, but the parallel consumer's
    // commits then failed with RebalanceInProgressException until its 30 s commit timeout.
    consumerProps.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.workerId());
    return consumerProps;
  }

  private void startConsuming() {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(consumerProps(), new StringDeserializer(), new ByteArrayDeserializer());
    bind(new KafkaClientMetrics(consumer));
    ParallelConsumerOptions<String, byte[]> options =
        ParallelConsumerOptions.<String, byte[]>builder()
            .consumer(consumer)
            .ordering(ProcessingOrder.KEY)
            .maxConcurrency(config.concurrency())
            // Asynchronous commits: a commit refused during a rebalance is simply made again later,
            // where a synchronous one waited out a 30 s timeout and then closed the consumer.
            .commitMode(CommitMode.PERIODIC_CONSUMER_ASYNCHRONOUS)
            .commitInterval(Duration.ofMillis(200))
            .ignoreReflectiveAccessExceptionsForAutoCommitDisabledCheck(true)
            .build();
    ParallelStreamProcessor<String, byte[]> p =
        ParallelStreamProcessor.createEosStreamProcessor(options);
    p.subscribe(
        List.of(topics.tasks()),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned.addAll(partitions);
            barrier.set(checkpoints.requestBarrier());
          }

          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            assigned.removeAll(partitions);
          }

          @Override
          public void onPartitionsLost(Collection<TopicPartition> partitions) {
            assigned.removeAll(partitions);
          }
        });
    p.poll(ctx -> handle(ctx.getSingleConsumerRecord()));
    processor = p;
  }

  private void bind(KafkaClientMetrics binder) {
    binder.bindTo(meters);
    clientMetrics.add(binder);
  }

  private void handle(ConsumerRecord<String, byte[]> record) {
    Decoded<Task> decoded = taskDecoder.deserialize(record.topic(), record.value());
    try {
      if (decoded.isFailed()) {
        deadLetter(record, decoded.failure());
        return;
      }
      checkpoints.awaitBarrier(barrier.get(), Duration.ofSeconds(60));
      Task task = decoded.value();
      metrics.started();
      Span span =
          tracing
              .tracer()
              .spanBuilder("bramble.task " + task.getGraph())
              .setParent(tracing.extract(record.headers()))
              .setSpanKind(SpanKind.CONSUMER)
              .setAttribute(StepSpans.APP_ID, task.getAppId())
              .setAttribute(StepSpans.PROCESS, config.workerId())
              .startSpan();
      TaskOutcome outcome = null;
      try (Scope scope = span.makeCurrent()) {
        outcome = runAndPublish(task, new TopicPartition(record.topic(), record.partition()));
        tasksDone.incrementAndGet();
      } catch (TaskRevokedException revoked) {
        log.info("handing back a task: {}", revoked.getMessage());
        return;
      } catch (Exception e) {
        span.recordException(e);
        throw e;
      } finally {
        span.end();
        if (outcome == null) {
          metrics.abandoned();
        } else {
          metrics.finished(outcome);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while handling task at offset " + record.offset(), e);
    } catch (Exception e) {
      // Throwing hands the record back to the parallel consumer, which retries it later; the
      // retry resumes from the checkpoints written so far.
      throw new IllegalStateException(
          "could not write the outcome of the task at "
              + record.topic()
              + "-"
              + record.partition()
              + "@"
              + record.offset()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * A checkpoint that does not decode cannot resume its app: it goes to the dead-letter topic,
   * counted.
   */
  private void deadLetterCheckpoint(ConsumerRecord<String, byte[]> record, String failure) {
    String reason =
        "undecodable checkpoint at "
            + record.topic()
            + " partition "
            + record.partition()
            + " offset "
            + record.offset()
            + ": "
            + failure;
    log.warn(reason);
    metrics.checkpointDeadLettered();
    producer.send(
        new ProducerRecord<>(
            topics.dlq(),
            null,
            record.key(),
            record.value(),
            DeadLetters.headers(reason, record.topic(), record.partition(), record.offset())));
  }

  private void deadLetter(ConsumerRecord<String, byte[]> record, String failure)
      throws InterruptedException, ExecutionException {
    String reason =
        "undecodable task at "
            + record.topic()
            + " partition "
            + record.partition()
            + " offset "
            + record.offset()
            + ": "
            + failure;
    log.warn(reason);
    metrics.deadLettered();
    producer
        .send(
            new ProducerRecord<>(
                topics.dlq(),
                null,
                record.key(),
                record.value(),
                DeadLetters.headers(reason, record.topic(), record.partition(), record.offset())))
        .get();
  }

  /**
   * Stops a task before its next step once its partition has moved to another worker, which runs it
   * from the last checkpoint; so a rebalance never has one app run in two places at once.
   */
  private LifecycleHook ownership(TopicPartition partition) {
    return new LifecycleHook() {
      @Override
      public void beforeStep(StepStart step) {
        if (!assigned.contains(partition)) {
          throw new TaskRevokedException(
              partition
                  + " moved to another worker before step "
                  + step.sequenceId()
                  + " of app "
                  + step.appId());
        }
      }
    };
  }

  /**
   * Runs the task, waits for its checkpoints, then writes its outcome; returns what was written.
   */
  private TaskOutcome runAndPublish(Task task, TopicPartition partition)
      throws InterruptedException, ExecutionException {
    CheckpointPersister persister =
        new CheckpointPersister(producer, checkpointSerde, topics.checkpoints(), checkpoints);
    // Fire-and-forget: tracking never holds up or fails a task.
    EventTracker events =
        new EventTracker(
            config.workerId(),
            task.getGraph(),
            task.getRootAppId(),
            e ->
                producer.send(
                    new ProducerRecord<>(
                        topics.events(), e.getAppId(), eventSerde.serialize(topics.events(), e))));
    TaskOutcome outcome =
        runner.run(
            task,
            persister,
            events,
            metrics.stepTimer(task.getGraph()),
            new StepSpans(tracing.tracer(), Context.current(), config.workerId()),
            ownership(partition));
    try {
      persister.awaitWritten();
      publish(outcome);
      return outcome;
    } catch (ExecutionException e) {
      if (!(e.getCause() instanceof RecordTooLargeException)) {
        throw e;
      }
      // Retrying cannot help: the state is too big for the broker. Fail the task, with a small
      // record.
      TaskOutcome tooLarge =
          TaskRunner.finished(
              task,
              ResultStatus.FAILED,
              null,
              new IllegalStateException(
                  "app "
                      + task.getAppId()
                      + " produced a record larger than the broker accepts ("
                      + e.getCause().getMessage()
                      + "); keep large data out of state, e.g. store it elsewhere and keep a reference"),
              task.getSequenceId(),
              null);
      publish(tooLarge);
      return tooLarge;
    }
  }

  /** Writes the outcome, carrying the current trace context in its headers. */
  private void publish(TaskOutcome outcome) throws InterruptedException, ExecutionException {
    ProducerRecord<String, byte[]> out;
    if (outcome instanceof TaskOutcome.Finished f) {
      out =
          new ProducerRecord<>(
              topics.results(), f.key(), resultSerde.serialize(topics.results(), f.result()));
    } else if (outcome instanceof TaskOutcome.FannedOut f) {
      out =
          new ProducerRecord<>(
              topics.fanouts(), f.key(), fanOutSerde.serialize(topics.fanouts(), f.fanOut()));
    } else {
      throw new IllegalStateException("unknown outcome " + outcome);
    }
    tracing.inject(Context.current(), out.headers());
    producer.send(out).get();
  }

  /**
   * Graceful shutdown: takes no new tasks, lets running ones finish and write their outcome,
   * commits their offsets and leaves the group, so their partitions move at once; tasks fetched but
   * not started are handed back to the next owner.
   */
  @Override
  public void close() {
    closing = true;
    watchdog.shutdownNow();
    try {
      // A restart under way finishes first, so the consumer closed below is the last one built.
      if (!watchdog.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("worker {}: the consumer watchdog did not stop within 30 s", config.workerId());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (processor != null) {
      try {
        processor.close(Duration.ofSeconds(60), DrainingCloseable.DrainingMode.DONT_DRAIN);
      } catch (RuntimeException e) {
        // Offsets not committed now are redelivered; those tasks resume from their checkpoints.
        log.warn(
            "worker {}: the task consumer did not close cleanly: {}",
            config.workerId(),
            e.getMessage());
      }
    }
    checkpoints.close();
    producer.close(Duration.ofSeconds(5));
    clientMetrics.forEach(KafkaClientMetrics::close);
  }
}
