package io.bramble.coordinator;

import io.bramble.runtime.Replication;
import io.bramble.runtime.values.ValueStore;
import io.bramble.runtime.values.ValueStores;
import io.bramble.schemas.avro.StoredRef;
import io.bramble.schemas.registry.SchemaRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator service: the {@link CoordinatorTopology} run as an exactly-once Kafka Streams
 * app, and the {@link PoolMonitor} that tells jobs when a pool they wait for has no worker. It
 * loads no graph: graph jars go to the workers only.
 */
public final class Coordinator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Coordinator.class);

  private final KafkaStreams streams;
  private final KafkaStreamsMetrics streamsMetrics;
  private final PoolMonitor pools;
  private final Admin admin;
  private final ValueStore values;

  /** Removes completed jobs' stored values, off the stream thread. */
  private final ExecutorService valueCleanup =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "bramble-value-cleanup");
            t.setDaemon(true);
            return t;
          });

  /** While this instance rebalances: aborts what an instance that died left open. */
  private final StaleTransactions staleTransactions;

  /** How often every pool's workers and waiting tasks are looked at. */
  static final Duration POOL_CHECK_EVERY = Duration.ofSeconds(2);

  private static final long POLL_MS = 5;
  private static final int MAX_REPLACEMENTS = 5;
  private static final long REPLACEMENT_WINDOW_MS = 300_000;
  private final ArrayDeque<Long> replacements = new ArrayDeque<>();
  private volatile Runnable onFailure = () -> {};

  public Coordinator(CoordinatorConfig config, SchemaRegistry schemas) {
    this(config, schemas, new SimpleMeterRegistry());
  }

  /** A coordinator whose meters (jobs, joins, Kafka Streams metrics) go to {@code meters}. */
  public Coordinator(CoordinatorConfig config, SchemaRegistry schemas, MeterRegistry meters) {
    this(config, schemas, meters, GlobalOpenTelemetry.get());
  }

  /** As above, tracing jobs, fan-outs and reduces with {@code openTelemetry}. */
  public Coordinator(
      CoordinatorConfig config,
      SchemaRegistry schemas,
      MeterRegistry meters,
      OpenTelemetry openTelemetry) {
    this.admin = Admin.create(config.cluster().clientProps());
    PoolTopics poolTopics = new PoolTopics(config.cluster().topics(), admin);
    this.values = ValueStores.open(config.cluster(), config.applicationId());
    Properties p = new Properties();
    p.putAll(config.cluster().clientProps());
    // Streams' own client ids carry the process id, which StaleTransactions reads.
    p.remove(CommonClientConfigs.CLIENT_ID_CONFIG);
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitIntervalMs());
    // The stream thread checks whether a commit is due only between polls: with the default 100 ms
    // an idle thread started a due commit up to 100 ms late, and every hop of a job waited for it
    // (measured: ~105 ms per coordinator hop with a 50 ms commit interval).
    p.put(StreamsConfig.POLL_MS_CONFIG, Math.max(1, Math.min(POLL_MS, config.commitIntervalMs())));
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toAbsolutePath().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
    // Changelogs and repartition topics are replicated as Bramble's own topics are.
    Replication replication = config.cluster().replication();
    p.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, replication.factor());
    replication.topicConfigs().forEach((k, v) -> p.put(StreamsConfig.topicPrefix(k), v));
    p.put("processing.exception.handler.global.enabled", true);
    // The partition assignor builds a config of its own from the main consumer's settings and
    // warns on every start that the flag above is unset unless it is given there too.
    p.put(StreamsConfig.mainConsumerPrefix("processing.exception.handler.global.enabled"), true);
    Duration session = SessionTimeouts.effective(admin, config.sessionTimeout());
    p.put(StreamsConfig.consumerPrefix("session.timeout.ms"), (int) session.toMillis());
    p.put(
        StreamsConfig.consumerPrefix("heartbeat.interval.ms"),
        (int) CoordinatorConfig.heartbeatInterval(session).toMillis());
    streams =
        new KafkaStreams(
            CoordinatorTopology.build(
                config.cluster().topics(),
                poolTopics::exists,
                this::removeValues,
                schemas,
                meters,
                openTelemetry),
            p);
    pools = new PoolMonitor(config.cluster(), poolTopics, admin, schemas, meters);
    streamsMetrics = new KafkaStreamsMetrics(streams);
    streamsMetrics.bindTo(meters);
    streams.setUncaughtExceptionHandler(this::onUncaught);
    staleTransactions =
        new StaleTransactions(admin, config.applicationId(), streams::state, this::ownClientId);
    streams.setStateListener(
        (now, before) -> {
          if (now == KafkaStreams.State.ERROR) {
            onFailure.run();
          } else if (now == KafkaStreams.State.REBALANCING) {
            if (before == KafkaStreams.State.RUNNING) {
              log.info(
                  "coordinator rebalancing: an instance joined, left or stopped answering; joins"
                      + " of the partitions that move pause until they are placed again");
            }
            staleTransactions.rebalanceBegan();
          } else if (now == KafkaStreams.State.RUNNING
              && before == KafkaStreams.State.REBALANCING) {
            log.info("coordinator running: every partition has its instance");
          }
        });
  }

  /** The client id of this instance's stream thread's consumer; null while it has none. */
  private String ownClientId() {
    try {
      return streams.metadataForLocalThreads().stream()
          .map(t -> t.consumerClientId())
          .findFirst()
          .orElse(null);
    } catch (IllegalStateException notRunning) {
      return null;
    }
  }

  /**
   * A failed stream thread is replaced, since most failures pass (a broker away, a rebalance); but
   * one that keeps failing (measured: a class missing after a bad deploy, replaced 21 times while
   * the job neither completed nor failed) stops the coordinator instead of spinning.
   */
  private StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse onUncaught(Throwable e) {
    long now = System.currentTimeMillis();
    synchronized (replacements) {
      replacements.addLast(now);
      while (!replacements.isEmpty() && replacements.peekFirst() < now - REPLACEMENT_WINDOW_MS) {
        replacements.removeFirst();
      }
      if (replacements.size() > MAX_REPLACEMENTS) {
        log.error(
            "coordinator stream thread failed {} times within {} s; stopping",
            replacements.size(),
            REPLACEMENT_WINDOW_MS / 1000,
            e);
        return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
      }
    }
    log.error("coordinator stream thread failed; replacing it", e);
    return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
  }

  private void removeValues(String rootAppId, List<StoredRef> refs) {
    valueCleanup.execute(
        () -> {
          try {
            values.delete(refs);
          } catch (RuntimeException e) {
            log.warn(
                "could not remove the {} stored values of job {}: {}",
                refs.size(),
                rootAppId,
                e.toString());
          }
        });
  }

  /** Runs {@code action} if the coordinator stops for good (its Streams app reached ERROR). */
  public void onFailure(Runnable action) {
    this.onFailure = action;
  }

  public void start() {
    streams.start();
    pools.start(POOL_CHECK_EVERY);
  }

  /** Waits until the Streams app is RUNNING. */
  public boolean awaitRunning(Duration timeout) throws InterruptedException {
    CountDownLatch running = new CountDownLatch(1);
    if (streams.state() == KafkaStreams.State.RUNNING) {
      return true;
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (streams.state() == KafkaStreams.State.RUNNING) {
        return true;
      }
      running.await(50, TimeUnit.MILLISECONDS);
    }
    return false;
  }

  public KafkaStreams.State state() {
    return streams.state();
  }

  /**
   * Leaves the group on close, so a restart is reassigned at once instead of after the session
   * timeout.
   */
  @Override
  public void close() {
    streams.close(
        CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
            .withTimeout(Duration.ofSeconds(30)));
    pools.close();
    staleTransactions.close();
    valueCleanup.shutdown();
    try {
      valueCleanup.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    values.close();
    admin.close(Duration.ofSeconds(2));
    streamsMetrics.close();
  }
}
