package io.bramble.client;

import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.StreamPartitions;
import io.bramble.runtime.TopicReader;
import io.bramble.schemas.avro.StreamChunk;
import io.bramble.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Follows the stream of one job's tree (see {@link JobClient#subscribe}): a thread of its own reads
 * the job's partition of the streams topic and hands each chunk of the job to the listener, in the
 * order written (so in order per app), numbering the runs of each step as it meets them. {@link
 * #drain} waits until every chunk written before it was handed on: call it once the job's result is
 * there, and the listener has heard all the job streamed. Close it to stop.
 */
public final class ChunkSubscription implements AutoCloseable {
  private final String rootAppId;
  private final AvroSerde<StreamChunk> serde;
  private final Consumer<StreamedChunk> listener;
  private final KafkaConsumer<String, byte[]> consumer;
  private final TopicPartition partition;
  private final Thread thread;
  private final ConcurrentLinkedQueue<CompletableFuture<Void>> drains =
      new ConcurrentLinkedQueue<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean closing;

  /** The runs of each step met so far, by app id and sequence id: a run's attempt is its place. */
  private final Map<String, List<String>> runs = new HashMap<>();

  ChunkSubscription(
      ClusterConfig cluster,
      AvroSerde<StreamChunk> serde,
      String rootAppId,
      long fromMs,
      Consumer<StreamedChunk> listener) {
    this.rootAppId = rootAppId;
    this.serde = serde;
    this.listener = listener;
    this.consumer =
        new KafkaConsumer<>(
            TopicReader.readerProps(cluster.clientProps()),
            new StringDeserializer(),
            new ByteArrayDeserializer());
    String topic = cluster.topics().streams();
    this.partition =
        new TopicPartition(
            topic, StreamPartitions.of(rootAppId, consumer.partitionsFor(topic).size()));
    consumer.assign(List.of(partition));
    JobClient.seekToSubmission(consumer, List.of(partition), fromMs);
    consumer.position(partition);
    this.thread = new Thread(this::follow, "bramble-stream-" + rootAppId);
    thread.setDaemon(true);
    thread.start();
  }

  private void follow() {
    try {
      while (!closing) {
        // A drain stays queued until done: a wakeup may cut its reading short (drain and close
        // wake the consumer, whatever it is doing), and then it carries on from where it was.
        try {
          CompletableFuture<Void> drain = drains.peek();
          if (drain == null) {
            consumer.poll(Duration.ofMillis(500)).forEach(this::handle);
          } else {
            TopicReader.readToEnd(
                consumer, List.of(partition), Duration.ofSeconds(10), this::handle);
            drains.remove(drain);
            drain.complete(null);
          }
        } catch (WakeupException woken) {
          // a drain or a close: seen above
        }
      }
    } catch (RuntimeException e) {
      stopped.completeExceptionally(e);
      drains.forEach(d -> d.completeExceptionally(e));
    } finally {
      consumer.close(Duration.ZERO);
      // stopped first: a drain that comes later sees it, one that came before is completed here
      stopped.complete(null);
      drains.forEach(d -> d.complete(null));
    }
  }

  private void handle(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null || !rootAppId.equals(r.key())) {
      return;
    }
    StreamChunk c = serde.deserialize(r.topic(), r.value());
    List<String> stepRuns =
        runs.computeIfAbsent(c.getAppId() + "/" + c.getSequenceId(), k -> new ArrayList<>());
    int attempt = stepRuns.indexOf(c.getRunId()) + 1;
    if (attempt == 0) {
      stepRuns.add(c.getRunId());
      attempt = stepRuns.size();
    }
    listener.accept(
        new StreamedChunk(
            c.getRootAppId(),
            c.getAppId(),
            c.getParentAppId(),
            c.getLabel(),
            c.getAction(),
            c.getSequenceId(),
            attempt,
            c.getText(),
            c.getWorkerId(),
            c.getEmittedAtMs()));
  }

  /** Waits until every chunk of the job written before this call has reached the listener. */
  public void drain(Duration timeout) throws TimeoutException {
    CompletableFuture<Void> drained = new CompletableFuture<>();
    drains.add(drained);
    if (stopped.isDone()) {
      drained.complete(null);
    } else {
      consumer.wakeup();
    }
    try {
      drained.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the stream of " + rootAppId, e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot read " + partition + ": " + e.getCause().getMessage(), e.getCause());
    }
  }

  @Override
  public void close() {
    closing = true;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
