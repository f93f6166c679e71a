package io.bramble.coordinator;

import io.bramble.runtime.Backlog;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.GroupMembers;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.Topics;
import io.bramble.runtime.TrackingEvents;
import io.bramble.runtime.WorkerGroups;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.SchemaRegistry;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import io.bramble.schemas.serde.Decoded;
import io.bramble.schemas.serde.DecodedDeserializer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches every pool's workers and waiting tasks, as an operator would: a pool whose consumer group
 * has no member while its tasks topic holds tasks it has not taken has no worker for them. Each job
 * with a task waiting there hears of it ({@code POOL_WAITING} on its events, again every {@link
 * #REMIND_EVERY} while it lasts, then {@code POOL_SERVED} once the pool has a worker), which {@code
 * bramble watch}, {@code submit --wait} and the UI show; the gauges {@code bramble.pool.workers}
 * and {@code bramble.pool.lag} say it for every pool. A version lane is watched the same way: its
 * tasks wait for a worker of its pool that has its graph version ({@code bramble.lane.workers},
 * {@code bramble.lane.lag}). Nothing here touches the tasks: they wait.
 */
final class PoolMonitor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PoolMonitor.class);

  static final Duration REMIND_EVERY = Duration.ofSeconds(10);

  /** At most this many waiting tasks are read per pool and round to find their jobs. */
  private static final int READ_AT_MOST = 10_000;

  /**
   * One pool, or one version lane of a pool, as last seen: the topic its tasks wait in, the group
   * of the workers that take them, and how jobs are told of it ({@code name}).
   */
  private static final class Seen {
    final String name;
    final String topic;
    final String group;

    /** For a lane: only the group's members given its partitions have the version. */
    final boolean lane;

    final AtomicLong workers = new AtomicLong();
    final AtomicLong lag = new AtomicLong();

    /** Jobs told they wait, with when they were last told. */
    final Map<String, Long> told = new HashMap<>();

    /** Why the pool could not be looked at last time; null if it could. */
    String problem;

    Seen(String name, String topic, String group, boolean lane) {
      this.name = name;
      this.topic = topic;
      this.group = group;
      this.lane = lane;
    }
  }

  private final ClusterConfig cluster;
  private final MeterRegistry meters;
  private final List<Gauge> gauges = new ArrayList<>();
  private final Map<String, Seen> pools = new ConcurrentHashMap<>();
  private final PoolTopics poolTopics;
  private final Admin admin;
  private final KafkaConsumer<String, byte[]> reader;
  private final KafkaProducer<String, byte[]> producer;
  private final DecodedDeserializer<Task> tasks;
  private final AvroSerde<TrackingEvent> events;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "bramble-pool-monitor");
            t.setDaemon(true);
            return t;
          });

  /**
   * A monitor of the pools {@code poolTopics} finds (looked for again every round: a pool is
   * watched from the round after a worker created its topic), asking the cluster through {@code
   * admin}.
   */
  PoolMonitor(
      ClusterConfig cluster,
      PoolTopics poolTopics,
      Admin admin,
      SchemaRegistry schemas,
      MeterRegistry meters) {
    this.cluster = cluster;
    this.meters = meters;
    this.poolTopics = poolTopics;
    this.admin = admin;
    Map<String, Object> props = cluster.clientProps();
    Map<String, Object> readerProps = TopicReader.readerProps(props);
    readerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "bramble-pool-monitor");
    this.reader =
        new KafkaConsumer<>(readerProps, new StringDeserializer(), new ByteArrayDeserializer());
    Map<String, Object> producerProps = new HashMap<>(props);
    producerProps.put(ProducerConfig.CLIENT_ID_CONFIG, "bramble-pool-monitor");
    this.producer =
        new KafkaProducer<>(producerProps, new StringSerializer(), new ByteArraySerializer());
    this.tasks = BrambleSerdes.decoding(Task.class, schemas);
    this.events = BrambleSerdes.forType(TrackingEvent.class, schemas);
  }

  /** Starts watching {@code pool}: its state and its gauges. */
  private void watchPool(String pool) {
    Seen seen =
        new Seen(
            pool, cluster.topics().tasks(pool), WorkerGroups.of(cluster.topics(), pool), false);
    pools.put(pool, seen);
    gauges.add(
        Gauge.builder("bramble.pool.workers", seen.workers, AtomicLong::get)
            .description("Members of the pool's worker group")
            .tag("pool", pool)
            .register(meters));
    gauges.add(
        Gauge.builder("bramble.pool.lag", seen.lag, AtomicLong::get)
            .description(
                "Tasks in the pool's tasks topic its workers have not taken (markers not counted)")
            .tag("pool", pool)
            .register(meters));
  }

  /**
   * Starts watching version lane {@code topic}: tasks of a graph version that reached workers
   * without it wait there for one that has it.
   */
  private void watchLane(String topic) {
    Topics.Lane lane = cluster.topics().laneOf(topic);
    Seen seen =
        new Seen(lane.toString(), topic, WorkerGroups.of(cluster.topics(), lane.pool()), true);
    pools.put(topic, seen);
    gauges.add(
        Gauge.builder("bramble.lane.workers", seen.workers, AtomicLong::get)
            .description("Workers of the pool that have this graph version (read its lane)")
            .tags("pool", lane.pool(), "graph", lane.graph(), "version", lane.version())
            .register(meters));
    gauges.add(
        Gauge.builder("bramble.lane.lag", seen.lag, AtomicLong::get)
            .description("Tasks of this graph version waiting in its lane")
            .tags("pool", lane.pool(), "graph", lane.graph(), "version", lane.version())
            .register(meters));
  }

  void start(Duration every) {
    timer.scheduleWithFixedDelay(this::checkAll, 0, every.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void checkAll() {
    Set<String> found = poolTopics.refresh();
    for (String pool : found == null ? Set.<String>of() : found) {
      if (!pools.containsKey(pool)) {
        watchPool(pool);
      }
    }
    for (String lane : poolTopics.lanes()) {
      if (!pools.containsKey(lane)) {
        watchLane(lane);
      }
    }
    for (Map.Entry<String, Seen> pool : pools.entrySet()) {
      Seen seen = pool.getValue();
      try {
        check(pool.getKey(), System.currentTimeMillis());
        if (seen.problem != null) {
          log.info("pool {} can be looked at again", pool.getKey());
          seen.problem = null;
        }
      } catch (InterruptedException | InterruptException e) {
        Thread.currentThread().interrupt(); // closing
        return;
      } catch (Exception e) {
        // A broker away or a missing permission: looked at again next round, said once.
        if (!e.toString().equals(seen.problem)) {
          log.warn(
              "could not look at pool {} (its jobs are not told when it has no worker): {}",
              pool.getKey(),
              e.toString());
        }
        seen.problem = e.toString();
      }
    }
  }

  private void check(String key, long now) throws Exception {
    Seen seen = pools.get(key);
    String pool = seen.name;
    String group = seen.group;
    String topic = seen.topic;
    List<MemberDescription> members = GroupMembers.of(admin, group);
    int workers =
        seen.lane
            ? (int)
                members.stream()
                    .filter(
                        m ->
                            m.assignment().topicPartitions().stream()
                                .anyMatch(p -> p.topic().equals(topic)))
                    .count()
            : members.size();
    List<Backlog.Gap> gaps =
        Backlog.of(
            admin, reader, group, TopicReader.partitionsOf(reader, topic), Duration.ofSeconds(5));
    long lag = Backlog.waiting(gaps);
    Map<TopicPartition, long[]> behind = new HashMap<>();
    gaps.stream()
        .filter(g -> g.waiting() > 0)
        .forEach(g -> behind.put(g.partition(), new long[] {g.from(), g.to()}));
    if (workers > 0 || lag == 0) {
      for (String job : seen.told.keySet()) {
        send(TrackingEvents.poolServed(job, pool, Events.PROCESS, now));
      }
      producer.flush();
      seen.told.clear();
      // After the events: what the gauges say, the jobs have been told.
      seen.workers.set(workers);
      seen.lag.set(lag);
      return;
    }
    seen.workers.set(workers);
    seen.lag.set(lag);
    Map<String, Long> waiting = waitingJobs(behind);
    long waitingTasks = waiting.values().stream().mapToLong(Long::longValue).sum();
    seen.told.keySet().retainAll(waiting.keySet());
    for (String job : waiting.keySet()) {
      Long last = seen.told.get(job);
      if (last == null || now - last >= REMIND_EVERY.toMillis()) {
        send(TrackingEvents.poolWaiting(job, pool, waitingTasks, Events.PROCESS, now));
        seen.told.put(job, now);
      }
    }
  }

  /**
   * The jobs whose tasks sit in {@code behind} (partition → [from, to)), with their task counts.
   */
  private Map<String, Long> waitingJobs(Map<TopicPartition, long[]> behind) {
    Map<String, Long> jobs = new HashMap<>();
    if (behind.isEmpty()) {
      return jobs;
    }
    reader.assign(List.copyOf(behind.keySet()));
    behind.forEach((p, range) -> reader.seek(p, range[0]));
    Set<TopicPartition> open = new LinkedHashSet<>(behind.keySet());
    int read = 0;
    long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
    while (!open.isEmpty() && read < READ_AT_MOST && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, byte[]> r : reader.poll(Duration.ofMillis(200))) {
        TopicPartition p = new TopicPartition(r.topic(), r.partition());
        if (r.offset() >= behind.get(p)[1]) {
          continue;
        }
        read++;
        Decoded<Task> task = tasks.deserialize(r.topic(), r.value());
        if (!task.isFailed()) {
          jobs.merge(task.value().getRootAppId(), 1L, Long::sum);
        }
      }
      List<TopicPartition> done = new ArrayList<>();
      for (TopicPartition p : open) {
        if (reader.position(p) >= behind.get(p)[1]) {
          done.add(p);
        }
      }
      done.forEach(open::remove);
    }
    return jobs;
  }

  private void send(TrackingEvent e) {
    String topic = cluster.topics().events();
    producer.send(new ProducerRecord<>(topic, e.getAppId(), events.serialize(topic, e)));
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    // A coordinator started again in this process registers its own.
    gauges.forEach(meters::remove);
    producer.close(Duration.ofSeconds(2));
    reader.close(Duration.ofSeconds(2));
  }
}
