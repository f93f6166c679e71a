package io.bramble.worker;

import io.bramble.core.stream.Chunk;
import io.bramble.core.stream.ChunkListener;
import io.bramble.core.tracking.LifecycleHook;
import io.bramble.core.tracking.StepEnd;
import io.bramble.runtime.StreamPartitions;
import io.bramble.schemas.avro.StreamChunk;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the partial results of one task's steps to the streams topic, coalesced: the first emit of
 * a quiet moment goes out at once, later ones wait until {@code window} has passed since the
 * previous record of the step and go out together, so an app writes at most one record per window
 * however fast its model talks; a step's end sends what is left. Every record goes to the job's
 * partition ({@link StreamPartitions}). A task's outcome is written only after {@link
 * #awaitWritten()}, so a client that has the result has every chunk before it. A chunk that cannot
 * be written is logged and dropped: it never fails the step.
 */
final class ChunkPublisher implements ChunkListener, LifecycleHook {
  private static final Logger log = LoggerFactory.getLogger(ChunkPublisher.class);

  /** A record stays well under the broker's default 1 MiB limit. */
  private static final int MAX_TEXT = 256 * 1024;

  private final Producer<String, byte[]> producer;
  private final AvroSerde<StreamChunk> serde;
  private final String topic;
  private final Task task;
  private final String workerId;
  private final ScheduledExecutorService scheduler;
  private final long windowMs;
  private final Runnable onRecord;

  // The current run (step try) and what it emitted since its last record; guarded by this.
  private Chunk first;
  private String runId;
  private int index;
  private final StringBuilder pending = new StringBuilder();
  private long lastSentMs;
  private ScheduledFuture<?> scheduled;
  private Future<RecordMetadata> lastSend;
  private int partition = -1;

  ChunkPublisher(
      Producer<String, byte[]> producer,
      AvroSerde<StreamChunk> serde,
      String topic,
      Task task,
      String workerId,
      ScheduledExecutorService scheduler,
      Duration window,
      Runnable onRecord) {
    this.producer = producer;
    this.serde = serde;
    this.topic = topic;
    this.task = task;
    this.workerId = workerId;
    this.scheduler = scheduler;
    this.windowMs = window.toMillis();
    this.onRecord = onRecord;
  }

  @Override
  public synchronized void onChunk(Chunk chunk) {
    if (first != null
        && (first.sequenceId() != chunk.sequenceId()
            || first.attempt() != chunk.attempt()
            || !first.appId().equals(chunk.appId()))) {
      flush();
      first = null;
    }
    if (first == null) {
      first = chunk;
      runId = UUID.randomUUID().toString();
      index = 0;
      lastSentMs = 0;
    }
    pending.append(chunk.text());
    long now = System.currentTimeMillis();
    if (now - lastSentMs >= windowMs || pending.length() >= MAX_TEXT) {
      flush();
    } else if (scheduled == null) {
      scheduled =
          scheduler.schedule(
              this::flushScheduled, lastSentMs + windowMs - now, TimeUnit.MILLISECONDS);
    }
  }

  private synchronized void flushScheduled() {
    scheduled = null;
    flush();
  }

  /** A step's end: what it emitted last goes out now. */
  @Override
  public void afterStep(StepEnd step) {
    synchronized (this) {
      flush();
      first = null;
    }
  }

  /** Sends what is pending as one record; guarded by this. */
  private void flush() {
    if (scheduled != null) {
      scheduled.cancel(false);
      scheduled = null;
    }
    if (pending.length() == 0) {
      return;
    }
    lastSentMs = System.currentTimeMillis();
    StreamChunk record =
        StreamChunk.newBuilder()
            .setRootAppId(task.getRootAppId())
            .setAppId(first.appId())
            .setParentAppId(first.parentAppId())
            .setLabel(Chunk.path(task.getLabel(), first.label()))
            .setAction(first.action())
            .setSequenceId(first.sequenceId())
            .setAttempt(first.attempt())
            .setRunId(runId)
            .setIndex(index++)
            .setText(pending.toString())
            .setWorkerId(workerId)
            .setEmittedAtMs(lastSentMs)
            .build();
    pending.setLength(0);
    try {
      if (partition < 0) {
        partition = StreamPartitions.of(task.getRootAppId(), producer.partitionsFor(topic).size());
      }
      lastSend =
          producer.send(
              new ProducerRecord<>(
                  topic, partition, task.getRootAppId(), serde.serialize(topic, record)));
      onRecord.run();
    } catch (RuntimeException e) {
      // A stream is for watching: losing a piece of it must not fail the step that emitted it.
      log.warn("could not stream a chunk of app {} to {}: {}", first.appId(), topic, e.toString());
    }
  }

  /**
   * Sends what is pending and waits until every record is written (records of one partition are
   * written in order, so the last one's acknowledgement covers all).
   */
  void awaitWritten() throws InterruptedException {
    Future<RecordMetadata> last;
    synchronized (this) {
      flush();
      first = null;
      last = lastSend;
    }
    if (last != null) {
      try {
        last.get();
      } catch (ExecutionException e) {
        log.warn(
            "could not stream chunks of task {} to {}: {}",
            task.getTaskId(),
            topic,
            e.getCause().toString());
      }
    }
  }
}
