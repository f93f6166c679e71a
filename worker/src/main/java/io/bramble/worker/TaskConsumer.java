package io.bramble.worker;

import io.bramble.core.runtime.Pools;
import io.bramble.runtime.LegacyWorkerOffsets;
import io.bramble.runtime.WorkerGroups;
import io.confluent.parallelconsumer.ParallelConsumerOptions;
import io.confluent.parallelconsumer.ParallelConsumerOptions.CommitMode;
import io.confluent.parallelconsumer.ParallelConsumerOptions.ProcessingOrder;
import io.confluent.parallelconsumer.ParallelStreamProcessor;
import io.confluent.parallelconsumer.internal.DrainingCloseable;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's membership of one pool's consumer group on that pool's tasks topic, on Confluent's
 * parallel consumer: tasks run concurrently (up to {@code concurrency}, one app at a time per key),
 * an offset is committed only once its task's outcome is written, and polling goes on while tasks
 * run, so long tasks never trip {@code max.poll.interval.ms}. Which task partitions it owns is told
 * to the {@link CheckpointStore}, which reads the matching checkpoint partitions.
 */
final class TaskConsumer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TaskConsumer.class);

  private final WorkerConfig config;
  private final String pool;
  private final String topic;
  private final List<String> lanes;
  private final CheckpointStore checkpoints;
  private final Consumer<ConsumerRecord<String, byte[]>> handler;
  private final Consumer<KafkaClientMetrics> bindMetrics;
  private final Counter restarts;
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

  /**
   * The consumer of {@code pool}'s tasks topic and of {@code lanes}, the version lanes of that pool
   * this worker reads ({@link VersionLanes}): those that exist now or are created later.
   */
  TaskConsumer(
      WorkerConfig config,
      String pool,
      List<String> lanes,
      CheckpointStore checkpoints,
      Consumer<ConsumerRecord<String, byte[]>> handler,
      MeterRegistry meters,
      Consumer<KafkaClientMetrics> bindMetrics) {
    this.config = config;
    this.pool = pool;
    this.topic = config.cluster().topics().tasks(pool);
    this.lanes = List.copyOf(lanes);
    this.checkpoints = checkpoints;
    this.handler = handler;
    this.bindMetrics = bindMetrics;
    this.restarts =
        Counter.builder("bramble.worker.consumer.restarts")
            .description("Task consumers rebuilt after they failed")
            .tag("worker", config.workerId())
            .tag("pool", pool)
            .register(meters);
  }

  String pool() {
    return pool;
  }

  /** How soon a version lane created after this consumer subscribed is read. */
  static final Duration LANES_FOUND_WITHIN = Duration.ofSeconds(5);

  /** The pool's tasks topic and this worker's lanes of it, whether they exist yet or not. */
  private Pattern subscription() {
    StringBuilder p = new StringBuilder(Pattern.quote(topic));
    lanes.forEach(lane -> p.append('|').append(Pattern.quote(lane)));
    return Pattern.compile(p.toString());
  }

  String topic() {
    return topic;
  }

  /** The task partitions owned now. */
  Set<TopicPartition> assignment() {
    return Set.copyOf(assigned);
  }

  boolean owns(TopicPartition partition) {
    return assigned.contains(partition);
  }

  /** False before {@link #start()} and once the consumer has closed or failed. */
  boolean isRunning() {
    ParallelStreamProcessor<String, byte[]> p = processor;
    return p != null && !p.isClosedOrFailed();
  }

  boolean isStarted() {
    return processor != null;
  }

  void start() {
    adoptLegacyOffsets();
    startConsuming();
    watchdog.scheduleWithFixedDelay(this::restartIfFailed, 1, 1, TimeUnit.SECONDS);
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
        "worker {}: the task consumer of pool {} failed (see the error above); starting a new one",
        config.workerId(),
        pool);
    // Others may have owned these partitions meanwhile: read them afresh when assigned again.
    checkpoints.lost(Set.copyOf(assigned));
    assigned.clear();
    restarts.increment();
    try {
      startConsuming();
    } catch (RuntimeException e) {
      log.error(
          "worker {}: could not start a new task consumer; trying again", config.workerId(), e);
    }
  }

  private String group() {
    return WorkerGroups.of(config.cluster().topics(), pool);
  }

  /** Once, before this pool's group first consumes: see {@link LegacyWorkerOffsets}. */
  private void adoptLegacyOffsets() {
    Admin admin = Admin.create(config.cluster().clientProps());
    try {
      LegacyWorkerOffsets.adopt(
          admin,
          WorkerGroups.legacy(pool),
          group(),
          topic(),
          LegacyWorkerOffsets.OLD_WORKERS_LEAVE_WITHIN);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the task consumer", e);
    } finally {
      admin.close(Duration.ofSeconds(1)); // a call timed out is dropped, not waited for
    }
  }

  private Map<String, Object> consumerProps() {
    Map<String, Object> props = new HashMap<>(config.cluster().clientProps());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, group());
    props.put(
        ConsumerConfig.CLIENT_ID_CONFIG,
        config.workerId() + "-tasks" + (Pools.DEFAULT.equals(pool) ? "" : "." + pool));
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Tasks are written in the coordinator's transactions: never run an aborted one.
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
    props.put(
        ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG,
        (int) Math.max(500, config.sessionTimeout().toMillis() / 4));
    // Measured in the chaos test: restarts with new member ids chained rebalances for ~40 s; a
    // static member id lets a restarted worker rejoin as itself (takeover in ~2 s). Tasks whose
    // partition a rebalance moves stop before their next step (see TaskPipeline.ownership). The
    // cooperative-sticky assignor would move fewer partitions, but the parallel consumer's
    // commits then failed with RebalanceInProgressException until its 30 s commit timeout.
    props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.workerId());
    // A version lane created while this worker runs is read within this long.
    props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) LANES_FOUND_WITHIN.toMillis());
    return props;
  }

  private void startConsuming() {
    KafkaConsumer<String, byte[]> consumer =
        new KafkaConsumer<>(consumerProps(), new StringDeserializer(), new ByteArrayDeserializer());
    bindMetrics.accept(new KafkaClientMetrics(consumer));
    ParallelConsumerOptions<String, byte[]> options =
        ParallelConsumerOptions.<String, byte[]>builder()
            .consumer(consumer)
            .ordering(ProcessingOrder.KEY)
            .maxConcurrency(config.concurrency(pool))
            // Asynchronous commits: a commit refused during a rebalance is simply made again later,
            // where a synchronous one waited out a 30 s timeout and then closed the consumer.
            .commitMode(CommitMode.PERIODIC_CONSUMER_ASYNCHRONOUS)
            .commitInterval(Duration.ofMillis(200))
            .ignoreReflectiveAccessExceptionsForAutoCommitDisabledCheck(true)
            .build();
    ParallelStreamProcessor<String, byte[]> p =
        ParallelStreamProcessor.createEosStreamProcessor(options);
    p.subscribe(
        subscription(),
        new ConsumerRebalanceListener() {
          @Override
          public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            assigned.addAll(partitions);
            checkpoints.assigned(partitions);
          }

          @Override
          public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            assigned.removeAll(partitions);
            checkpoints.revoked(partitions);
          }

          @Override
          public void onPartitionsLost(Collection<TopicPartition> partitions) {
            assigned.removeAll(partitions);
            checkpoints.lost(partitions);
          }
        });
    p.poll(ctx -> handler.accept(ctx.getSingleConsumerRecord()));
    processor = p;
  }

  /**
   * Takes no new tasks, lets running ones finish and write their outcome, commits their offsets and
   * leaves the group, so their partitions move at once; tasks fetched but not started are handed
   * back to the next owner.
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
  }
}
