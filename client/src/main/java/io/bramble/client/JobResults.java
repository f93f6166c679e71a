package io.bramble.client;

import io.bramble.runtime.TopicReader;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.serde.AvroSerde;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The compacted job-results topic, followed by one consumer for the client's whole life: read once
 * from the beginning, then as results arrive. Every result completes the waiters of its app id; the
 * latest results are kept decoded, and for every other app id only where its latest result is, so a
 * result that arrived before anyone waited for it (between submit and await, or before the client
 * started) is still found, and memory does not hold every job's state.
 */
final class JobResults implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobResults.class);

  /** Results kept decoded by default: more than a client has in flight at once. */
  static final int RECENT = 4096;

  private record Position(int partition, long offset) {}

  /** Who waits for a result, and which result answers them. */
  private record Waiter(Predicate<JobResult> answers, CompletableFuture<JobResult> future) {}

  private final String topic;
  private final Map<String, Object> props;
  private final AvroSerde<JobResult> serde;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Thread follower;
  private final int recentKept;
  private volatile boolean running = true;

  // Guarded by this.
  private final Map<String, Position> latest = new HashMap<>();
  private final Map<String, JobResult> recent =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, JobResult> eldest) {
          return size() > recentKept;
        }
      };
  private final Map<String, List<Waiter>> waiters = new HashMap<>();
  private RuntimeException failure;

  JobResults(Map<String, Object> clientProps, String topic, AvroSerde<JobResult> serde) {
    this(clientProps, topic, serde, RECENT);
  }

  /** As above, keeping the latest {@code recentKept} results decoded. */
  JobResults(
      Map<String, Object> clientProps, String topic, AvroSerde<JobResult> serde, int recentKept) {
    this.recentKept = recentKept;
    this.topic = topic;
    this.serde = serde;
    this.props = TopicReader.readerProps(clientProps);
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    this.follower = new Thread(this::follow, "bramble-client-job-results");
    follower.setDaemon(true);
    follower.start();
  }

  /**
   * The result that answers a job of {@code appId} submitted at {@code submittedAtMs}: a failed
   * result of an earlier submission (the attempt this one retries) does not; any other result of
   * the app id does, including one that is already there.
   */
  CompletableFuture<JobResult> resultOf(String appId, long submittedAtMs) {
    return resultOf(appId, submittedAtMs, false);
  }

  /**
   * With {@code newer}, only a result of a request made at {@code submittedAtMs} or later answers:
   * what a resume made at that time waits for.
   */
  CompletableFuture<JobResult> resultOf(String appId, long submittedAtMs, boolean newer) {
    return resultOf(
        appId,
        result -> {
          boolean newEnough = result.getSubmittedAtMs() >= submittedAtMs;
          return newer ? newEnough : result.getStatus() != JobStatus.FAILED || newEnough;
        });
  }

  /** The first result of {@code appId} that {@code answers} accepts, the one there included. */
  CompletableFuture<JobResult> resultOf(String appId, Predicate<JobResult> answers) {
    CompletableFuture<JobResult> future = new CompletableFuture<>();
    Waiter waiter = new Waiter(answers, future);
    Position older;
    synchronized (this) {
      if (failure != null) {
        future.completeExceptionally(failure);
        return future;
      }
      JobResult known = recent.get(appId);
      if (known != null && answers(known, waiter)) {
        future.complete(known);
        return future;
      }
      waiters.computeIfAbsent(appId, k -> new ArrayList<>()).add(waiter);
      older = known == null ? latest.get(appId) : null;
    }
    if (older != null) {
      JobResult result = readBack(appId, older);
      if (result != null && answers(result, waiter)) {
        complete(appId, waiter, result);
      }
    }
    return future;
  }

  /** Stops waiting for {@code future} (its caller gave up). */
  synchronized void cancel(String appId, CompletableFuture<JobResult> future) {
    List<Waiter> list = waiters.get(appId);
    if (list != null) {
      list.removeIf(w -> w.future() == future);
      if (list.isEmpty()) {
        waiters.remove(appId);
      }
    }
  }

  private static boolean answers(JobResult result, Waiter waiter) {
    return waiter.answers().test(result);
  }

  private synchronized void complete(String appId, Waiter waiter, JobResult result) {
    cancel(appId, waiter.future());
    waiter.future().complete(result);
  }

  private void follow() {
    try {
      List<TopicPartition> partitions = partitions();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          apply(r);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      // Whatever stops the follower (an Error too) must fail the waiters, not leave them hanging.
      if (!running) {
        return;
      }
      log.error("the client stopped following {}", topic, e);
      fail(e instanceof RuntimeException r ? r : new IllegalStateException(e.toString(), e));
    }
  }

  /** The topic's partitions, once it exists (the platform may still be creating it). */
  private List<TopicPartition> partitions() throws InterruptedException {
    while (running) {
      List<TopicPartition> partitions = TopicReader.partitionsOf(consumer, topic);
      if (!partitions.isEmpty()) {
        return partitions;
      }
      Thread.sleep(200);
    }
    return List.of();
  }

  private void apply(ConsumerRecord<String, byte[]> r) {
    if (r.key() == null) {
      return;
    }
    if (r.value() == null) {
      synchronized (this) {
        latest.remove(r.key());
        recent.remove(r.key());
      }
      return;
    }
    JobResult result;
    try {
      result = serde.deserialize(r.topic(), r.value());
    } catch (RuntimeException e) {
      log.warn("skipping an undecodable job result at {}-{}@{}", topic, r.partition(), r.offset());
      return;
    }
    synchronized (this) {
      latest.put(r.key(), new Position(r.partition(), r.offset()));
      recent.put(r.key(), result);
      List<Waiter> list = waiters.get(r.key());
      if (list == null) {
        return;
      }
      for (Iterator<Waiter> it = list.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (answers(result, w)) {
          it.remove();
          w.future().complete(result);
        }
      }
      if (list.isEmpty()) {
        waiters.remove(r.key());
      }
    }
  }

  /** Reads the result of {@code appId} at {@code at} back from the topic; null if it is gone. */
  private JobResult readBack(String appId, Position at) {
    return TopicReader.readAt(
            props,
            new TopicPartition(topic, at.partition()),
            at.offset(),
            appId,
            Duration.ofSeconds(10))
        .filter(r -> r.value() != null)
        .map(r -> serde.deserialize(topic, r.value()))
        .orElse(null);
  }

  private synchronized void fail(RuntimeException e) {
    failure = e;
    waiters.values().forEach(list -> list.forEach(w -> w.future().completeExceptionally(e)));
    waiters.clear();
  }

  @Override
  public void close() {
    running = false;
    consumer.wakeup();
    try {
      follower.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    consumer.close(Duration.ofSeconds(2));
    synchronized (this) {
      waiters.values().forEach(list -> list.forEach(w -> w.future().cancel(false)));
      waiters.clear();
    }
  }
}
