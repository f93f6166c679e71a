package io.bramble.worker;

import io.bramble.core.tracking.LifecycleHook;
import io.bramble.core.tracking.StepStart;
import io.bramble.runtime.DeadLetters;
import io.bramble.runtime.EventTracker;
import io.bramble.runtime.Records;
import io.bramble.runtime.StepSpans;
import io.bramble.runtime.Topics;
import io.bramble.runtime.Tracing;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.StreamChunk;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.SchemaRegistry;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import io.bramble.schemas.serde.Decoded;
import io.bramble.schemas.serde.DecodedDeserializer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.header.Headers;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a worker does with one task record: decode it (or dead-letter it), wait until its
 * partition's checkpoints are read, run it, wait for its checkpoints, write its outcome, and forget
 * the app. Throwing hands the record back to the consumer, which retries it; the retry resumes from
 * the checkpoints written so far.
 */
final class TaskPipeline {
  private static final Logger log = LoggerFactory.getLogger(TaskPipeline.class);

  /**
   * A step is reported as started once it has run this long; one that ends sooner, by its end
   * alone. The UI and {@code bramble watch} see a slow step running at most this late.
   */
  static final Duration STEP_START_DELAY = Duration.ofMillis(100);

  /**
   * A task run's events go out together, one record per window at most: a run of quick steps is one
   * record, and a slow step is seen running at most {@code STEP_START_DELAY} plus this late.
   */
  static final Duration EVENT_WINDOW = Duration.ofMillis(100);

  /** At most one streams record per app and this window: bounds the volume of fast streams. */
  static final Duration STREAM_WINDOW = Duration.ofMillis(50);

  /** How long a task waits for its partition's checkpoints to be read after a handover. */
  private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(60);

  private final String workerId;
  private final Topics topics;
  private final TaskRunner runner;
  private final Tracing tracing;
  private final WorkerMetrics metrics;
  private final Producer<String, byte[]> producer;
  private final CheckpointStore checkpoints;
  private final VersionLanes lanes;
  private final AppMigration migration;
  private final Predicate<TopicPartition> owns;
  private final ScheduledExecutorService stepStarts;
  private final Duration checkpointInterval;
  private final AvroSerde<Checkpoint> checkpointSerde;
  private final AvroSerde<TaskResult> resultSerde;
  private final AvroSerde<JobResult> jobResultSerde;
  private final AvroSerde<FanOut> fanOutSerde;
  private final AvroSerde<TrackingEvent> eventSerde;
  private final AvroSerde<StreamChunk> chunkSerde;
  private final AvroSerde<Task> taskSerde;
  private final DecodedDeserializer<Task> taskDecoder;
  private final AtomicLong tasksDone = new AtomicLong();

  /**
   * {@code owns} tells whether a task partition is still this worker's; tasks of graph versions it
   * does not have go on to their {@code lanes}, unless their app moves to a version it has ({@code
   * migration}).
   */
  TaskPipeline(
      String workerId,
      Topics topics,
      TaskRunner runner,
      Tracing tracing,
      WorkerMetrics metrics,
      Producer<String, byte[]> producer,
      CheckpointStore checkpoints,
      VersionLanes lanes,
      AppMigration migration,
      Predicate<TopicPartition> owns,
      ScheduledExecutorService stepStarts,
      Duration checkpointInterval,
      SchemaRegistry schemas) {
    this.workerId = workerId;
    this.topics = topics;
    this.runner = runner;
    this.tracing = tracing;
    this.metrics = metrics;
    this.producer = producer;
    this.checkpoints = checkpoints;
    this.lanes = lanes;
    this.migration = migration;
    this.owns = owns;
    this.stepStarts = stepStarts;
    this.checkpointInterval = checkpointInterval;
    this.checkpointSerde = BrambleSerdes.forType(Checkpoint.class, schemas);
    this.resultSerde = BrambleSerdes.forType(TaskResult.class, schemas);
    this.jobResultSerde = BrambleSerdes.forType(JobResult.class, schemas);
    this.fanOutSerde = BrambleSerdes.forType(FanOut.class, schemas);
    this.eventSerde = BrambleSerdes.forType(TrackingEvent.class, schemas);
    this.taskSerde = BrambleSerdes.forType(Task.class, schemas);
    this.chunkSerde = BrambleSerdes.forType(StreamChunk.class, schemas);
    this.taskDecoder = BrambleSerdes.decoding(Task.class, schemas);
  }

  /** Tasks finished (a result or a fan-out written). */
  long tasksDone() {
    return tasksDone.get();
  }

  void handle(ConsumerRecord<String, byte[]> record) {
    Decoded<Task> decoded = taskDecoder.deserialize(record.topic(), record.value());
    try {
      if (decoded.isFailed()) {
        metrics.deadLettered();
        deadLetter(record, "undecodable task", decoded.failure()).get();
        return;
      }
      Task task = lanes.pinned(decoded.value());
      String lane = lanes.laneOf(task);
      if (lane != null && migration.targetForTaskWrittenAt(task, record.timestamp()) == null) {
        handOn(task, lane, record.value(), record.headers());
        return;
      }
      TopicPartition partition = new TopicPartition(record.topic(), record.partition());
      checkpoints.awaitCaughtUp(partition, CATCH_UP_TIMEOUT);
      if (checkpoints.isCancelled(task.getAppId(), task.getRequestedAtMs())) {
        log.debug("skipping a task of cancelled app {}", task.getAppId());
        metrics.cancelled();
        return;
      }
      Task asWritten = asCheckpointed(task);
      if (asWritten != task) {
        lane = lanes.laneOf(asWritten);
        if (lane != null && migration.targetFor(asWritten) == null) {
          handOn(asWritten, lane, taskSerde.serialize(lane, asWritten), record.headers());
          return;
        }
        task = asWritten;
      }
      run(task, partition, record);
    } catch (TaskRevokedException revoked) {
      log.info("handing back a task: {}", revoked.getMessage());
    } catch (TaskCancelledException cancelled) {
      log.debug("stopped a task: {}", cancelled.getMessage());
      metrics.cancelled();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(
          "interrupted while handling task at offset " + record.offset(), e);
    } catch (Exception e) {
      throw new IllegalStateException(
          "could not write the outcome of the task at " + where(record) + ": " + e.getMessage(), e);
    }
  }

  private void run(Task task, TopicPartition partition, ConsumerRecord<String, byte[]> record)
      throws InterruptedException, ExecutionException {
    metrics.started();
    Span span =
        tracing
            .tracer()
            .spanBuilder("bramble.task " + task.getGraph())
            .setParent(tracing.extract(record.headers()))
            .setSpanKind(SpanKind.CONSUMER)
            .setAttribute(StepSpans.APP_ID, task.getAppId())
            .setAttribute(StepSpans.PROCESS, workerId)
            .startSpan();
    TaskOutcome outcome = null;
    try (Scope scope = span.makeCurrent()) {
      outcome = runAndPublish(task, partition);
      tasksDone.incrementAndGet();
    } catch (TaskRevokedException | TaskCancelledException stopped) {
      throw stopped;
    } catch (RuntimeException | InterruptedException | ExecutionException e) {
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
  }

  /**
   * A task of a graph version this worker does not have goes to that version's lane, for a worker
   * that has it: as {@code value} (the record it came in, or the task re-pinned), under its app id
   * (so the same partition) and with {@code headers}.
   */
  private void handOn(Task task, String lane, byte[] value, Headers headers)
      throws InterruptedException, ExecutionException {
    lanes.ensure(lane, task.getPool());
    producer.send(new ProducerRecord<>(lane, null, task.getAppId(), value, headers)).get();
    metrics.handedOn();
    log.debug(
        "handed a task of app {} (graph '{}' version {}) on to {}",
        task.getAppId(),
        task.getGraph(),
        task.getGraphVersion(),
        lane);
  }

  /**
   * {@code task}, or, when its app's checkpoint ahead of it was written by another version of its
   * graph, the task pinned to that version: the app moved to it ({@code bramble migrate}) after
   * this copy of its task was written (a copy delivered again after a crash, or a failed job's
   * retry), or the job's first task was pinned by a worker that died before reporting it. An app's
   * checkpoint is only ever resumed by the version that wrote it.
   */
  private Task asCheckpointed(Task task) {
    if (task.getGraphVersion() == null) {
      return task;
    }
    return checkpoints
        .graphVersionOf(task.getAppId(), task.getSequenceId())
        .filter(written -> !written.equals(task.getGraphVersion()))
        .map(written -> Task.newBuilder(task).setGraphVersion(written).build())
        .orElse(task);
  }

  /**
   * A checkpoint that does not decode cannot resume its app: it goes to the dead-letter topic,
   * counted.
   */
  void deadLetterCheckpoint(ConsumerRecord<String, byte[]> record, String failure) {
    metrics.checkpointDeadLettered();
    deadLetter(record, "undecodable checkpoint", failure);
  }

  private Future<RecordMetadata> deadLetter(
      ConsumerRecord<String, byte[]> record, String what, String failure) {
    String reason = what + " at " + where(record) + ": " + failure;
    log.warn(reason);
    return producer.send(
        new ProducerRecord<>(
            topics.dlq(),
            null,
            record.key(),
            record.value(),
            DeadLetters.headers(reason, record.topic(), record.partition(), record.offset())));
  }

  private static String where(ConsumerRecord<?, ?> record) {
    return record.topic() + " partition " + record.partition() + " offset " + record.offset();
  }

  /**
   * Stops a task before its next step once its app is cancelled (its parallel step completed
   * without it), or once its partition has moved to another worker, which runs it from the last
   * checkpoint; so a rebalance never has one app run in two places at once.
   */
  private LifecycleHook ownership(TopicPartition partition, Task task) {
    return new LifecycleHook() {
      @Override
      public void beforeStep(StepStart step) {
        if (checkpoints.isCancelled(task.getAppId(), task.getRequestedAtMs())) {
          throw new TaskCancelledException(
              "app " + task.getAppId() + " was cancelled before step " + step.sequenceId());
        }
        if (!owns.test(partition)) {
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
        new CheckpointPersister(
            producer,
            checkpointSerde,
            topics.checkpoints(),
            checkpoints,
            partition.partition(),
            task,
            checkpointInterval);
    EventBatcher told =
        new EventBatcher(producer, eventSerde, topics.events(), stepStarts, EVENT_WINDOW);
    EventTracker events =
        EventTracker.deferringStarts(
            workerId,
            task.getPool(),
            task.getGraph(),
            task.getRootAppId(),
            task.getLabel(),
            e -> {
              if (e.getKind() == EventKind.APP_CREATED) {
                e.setGraphVersion(task.getGraphVersion());
              }
              told.accept(e);
            },
            stepStarts,
            STEP_START_DELAY);
    ChunkPublisher chunks =
        new ChunkPublisher(
            producer,
            chunkSerde,
            topics.streams(),
            task,
            workerId,
            stepStarts,
            STREAM_WINDOW,
            metrics::streamed);
    BooleanSupplier cancelled =
        () -> checkpoints.isCancelled(task.getAppId(), task.getRequestedAtMs());
    TaskOutcome outcome;
    try {
      outcome =
          runner.run(
              task,
              persister,
              events,
              chunks,
              cancelled,
              chunks,
              metrics.stepTimer(task.getGraph()),
              new StepSpans(tracing.tracer(), Context.current(), workerId),
              ownership(partition, task));
    } catch (TaskCancelledException stopped) {
      told.close();
      stopCancelled(task, persister);
      throw stopped;
    } finally {
      told.close();
    }
    try {
      long lastCheckpoint = persister.awaitWritten();
      chunks.awaitWritten();
      if (cancelled.getAsBoolean()) {
        stopCancelled(task, persister);
        throw new TaskCancelledException(
            "app " + task.getAppId() + " was cancelled while its last step ran: nothing reported");
      }
      publish(outcome);
      checkpoints.forget(task.getAppId(), lastCheckpoint);
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
                      + "); values from BRAMBLE_VALUES_THRESHOLD_BYTES up travel by reference,"
                      + " but many smaller ones still add up: keep fewer of them in state, or"
                      + " lower the threshold"),
              task.getSequenceId(),
              null);
      publish(tooLarge);
      return tooLarge;
    }
  }

  /**
   * A cancelled app stopped: its checkpoint goes once those its steps wrote are acknowledged (the
   * coordinator's tombstone may have come before a step that was under way when it cancelled the
   * app), and followers hear that it ended, cancelled.
   */
  private void stopCancelled(Task task, CheckpointPersister persister)
      throws InterruptedException, ExecutionException {
    persister.awaitWritten();
    producer.send(new ProducerRecord<>(topics.checkpoints(), task.getAppId(), null)).get();
    TrackingEvent ended =
        TrackingEvents.appCancelled(
            task.getAppId(), task.getRootAppId(), workerId, System.currentTimeMillis());
    producer.send(
        new ProducerRecord<>(
            topics.events(), task.getAppId(), eventSerde.serialize(topics.events(), ended)));
  }

  /**
   * Writes the outcome, once the task's checkpoints are acknowledged (the caller waits for them):
   * an outcome is never seen before the checkpoint that stands behind it, so a worker that dies
   * after writing it does not run its last step again, and a completed job's tombstones always come
   * after its checkpoints. (Sending the two together saved a produce round trip per worker hop but
   * broke both; see BENCHMARKS.md, issue 21's third pass.)
   */
  private void publish(TaskOutcome outcome) throws InterruptedException, ExecutionException {
    awaitAll(send(records(outcome)));
    sendJobResult(outcome);
  }

  /**
   * The outcome's records: a result under every key it goes by (see {@link Records#resultKeys}), or
   * a fan-out in pages.
   */
  private List<ProducerRecord<String, byte[]>> records(TaskOutcome outcome)
      throws ExecutionException {
    List<ProducerRecord<String, byte[]>> out = new ArrayList<>();
    if (outcome instanceof TaskOutcome.Finished f) {
      byte[] value = resultSerde.serialize(topics.results(), f.result());
      for (String key : Records.resultKeys(f.result())) {
        out.add(new ProducerRecord<>(topics.results(), key, value));
      }
    } else if (outcome instanceof TaskOutcome.FannedOut f) {
      List<FanOutPages.Page> pages;
      try {
        pages =
            FanOutPages.split(
                f.fanOut(),
                fanOut -> fanOutSerde.serialize(topics.fanouts(), fanOut),
                FanOutPages.MAX_PAGE_BYTES);
      } catch (RecordTooLargeException e) {
        throw new ExecutionException(e);
      }
      for (FanOutPages.Page page : pages) {
        out.add(new ProducerRecord<>(topics.fanouts(), f.key(), page.bytes()));
      }
    } else if (outcome instanceof TaskOutcome.Forwarded f) {
      Task task = f.task();
      String lane = lanes.laneOf(task);
      String topic = lane != null ? lane : topics.tasks(task.getPool());
      if (lane != null) {
        try {
          lanes.ensure(lane, task.getPool());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new ExecutionException(e);
        }
      }
      out.add(new ProducerRecord<>(topic, task.getAppId(), taskSerde.serialize(topic, task)));
    } else {
      throw new IllegalStateException("unknown outcome " + outcome);
    }
    return out;
  }

  /**
   * A root that ended writes its job's result, once its own result is acknowledged: the client has
   * it one coordinator commit sooner, and the coordinator has the root's result in its input before
   * anyone can act on the job's (a retry of a failed job finds it failed). Written again if this
   * task runs again (its worker died before committing its offset): the coordinator then writes the
   * job's first outcome once more.
   */
  private void sendJobResult(TaskOutcome outcome) throws InterruptedException, ExecutionException {
    if (outcome instanceof TaskOutcome.Finished f && f.jobResult() != null) {
      awaitAll(
          send(
              List.of(
                  new ProducerRecord<>(
                      topics.jobResults(),
                      f.jobResult().getAppId(),
                      jobResultSerde.serialize(topics.jobResults(), f.jobResult())))));
    }
  }

  /** Sends every record at once, each with the current trace context in its headers. */
  private List<Future<RecordMetadata>> send(List<ProducerRecord<String, byte[]>> records) {
    List<Future<RecordMetadata>> sent = new ArrayList<>();
    for (ProducerRecord<String, byte[]> r : records) {
      tracing.inject(Context.current(), r.headers());
      sent.add(producer.send(r));
    }
    return sent;
  }

  private static void awaitAll(List<Future<RecordMetadata>> sent)
      throws InterruptedException, ExecutionException {
    for (Future<RecordMetadata> s : sent) {
      s.get();
    }
  }
}
