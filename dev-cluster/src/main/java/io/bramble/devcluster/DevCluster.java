package io.bramble.devcluster;

import io.bramble.client.JobClient;
import io.bramble.coordinator.Coordinator;
import io.bramble.coordinator.CoordinatorConfig;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.embedded.EmbeddedKafka;
import io.bramble.embedded.EmbeddedSchemaRegistry;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.TopicSetup;
import io.bramble.runtime.values.ValueStoreConfig;
import io.bramble.schemas.BrambleSchemas;
import io.bramble.schemas.registry.SchemaRegistryClient;
import io.bramble.worker.Worker;
import io.bramble.worker.WorkerConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.GlobalOpenTelemetry;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything in one JVM, as {@code bramble dev} runs it: a KRaft broker and a schema registry (data
 * under {@code dataDir}, so a restart resumes), the coordinator and N workers.
 */
public final class DevCluster implements AutoCloseable {
  /**
   * What {@code bramble dev} takes of the separate processes' settings: the coordinator's commit
   * interval, each worker's concurrency and checkpoint interval, and where large values go.
   */
  public record Settings(
      long commitIntervalMs,
      int workerConcurrency,
      ValueStoreConfig values,
      Duration checkpointInterval) {
    public Settings(long commitIntervalMs, int workerConcurrency) {
      this(
          commitIntervalMs,
          workerConcurrency,
          ValueStoreConfig.defaults(),
          WorkerConfig.DEFAULT_CHECKPOINT_INTERVAL);
    }

    public static Settings defaults() {
      return new Settings(
          CoordinatorConfig.DEFAULT_COMMIT_INTERVAL_MS, WorkerConfig.DEFAULT_CONCURRENCY);
    }

    /** These settings, large state values kept as {@code values} says. */
    public Settings withValues(ValueStoreConfig values) {
      return new Settings(commitIntervalMs, workerConcurrency, values, checkpointInterval);
    }

    /** These settings, each worker writing a checkpoint at most every {@code interval}. */
    public Settings withCheckpointInterval(Duration interval) {
      return new Settings(commitIntervalMs, workerConcurrency, values, interval);
    }
  }

  private final Path dataDir;
  private final GraphRegistry graphs;
  private final EmbeddedKafka kafka;
  private final EmbeddedSchemaRegistry registryServer;
  private final SchemaRegistryClient schemas;
  private final ClusterConfig cluster;
  private Coordinator coordinator;
  private final List<Worker> workers = new ArrayList<>();
  private final PrometheusMeterRegistry meters =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final OpenTelemetry openTelemetry;
  private final Settings settings;
  private int workerCount;

  private DevCluster(
      Path dataDir,
      GraphRegistry graphs,
      int partitions,
      int kafkaPort,
      int registryPort,
      OpenTelemetry openTelemetry,
      Settings settings) {
    this.dataDir = dataDir;
    this.settings = settings;
    this.graphs = graphs;
    this.openTelemetry = openTelemetry;
    this.kafka =
        EmbeddedKafka.builder()
            .dataDir(dataDir.resolve("kafka"))
            .port(kafkaPort)
            .partitions(partitions)
            .build()
            .start();
    this.registryServer = EmbeddedSchemaRegistry.start(kafka.bootstrapServers(), registryPort);
    this.schemas = SchemaRegistryClient.builder(registryServer.url()).build();
    this.cluster =
        ClusterConfig.of(kafka.bootstrapServers(), registryServer.url())
            .withPartitions(partitions)
            .withValues(settings.values());
    TopicSetup.ensure(cluster, graphs.pools());
    BrambleSchemas.registerAll(schemas, cluster.topics().prefix());
  }

  /**
   * Starts broker, registry, coordinator and {@code workers} workers; returns once the coordinator
   * runs.
   */
  public static DevCluster start(Path dataDir, GraphRegistry graphs, int workers, int partitions) {
    return start(dataDir, graphs, workers, partitions, 0, 0);
  }

  /** As {@link #start(Path, GraphRegistry, int, int)} on given ports (0: any free one). */
  public static DevCluster start(
      Path dataDir,
      GraphRegistry graphs,
      int workers,
      int partitions,
      int kafkaPort,
      int registryPort) {
    return start(
        dataDir, graphs, workers, partitions, kafkaPort, registryPort, GlobalOpenTelemetry.get());
  }

  /** As above, with every process tracing to {@code openTelemetry}. */
  public static DevCluster start(
      Path dataDir,
      GraphRegistry graphs,
      int workers,
      int partitions,
      int kafkaPort,
      int registryPort,
      OpenTelemetry openTelemetry) {
    return start(
        dataDir,
        graphs,
        workers,
        partitions,
        kafkaPort,
        registryPort,
        openTelemetry,
        Settings.defaults());
  }

  /** As above, the coordinator and the workers with {@code settings}. */
  public static DevCluster start(
      Path dataDir,
      GraphRegistry graphs,
      int workers,
      int partitions,
      int kafkaPort,
      int registryPort,
      OpenTelemetry openTelemetry,
      Settings settings) {
    return start(
        new DevCluster(
            dataDir, graphs, partitions, kafkaPort, registryPort, openTelemetry, settings),
        true,
        workers,
        partitions);
  }

  /**
   * Broker, registry and {@code workers} workers, without a coordinator: for coordinators run
   * elsewhere (processes of their own, to be killed).
   */
  public static DevCluster startWithoutCoordinator(
      Path dataDir, GraphRegistry graphs, int workers, int partitions) {
    return start(
        new DevCluster(
            dataDir, graphs, partitions, 0, 0, GlobalOpenTelemetry.get(), Settings.defaults()),
        false,
        workers,
        partitions);
  }

  private static DevCluster start(DevCluster c, boolean coordinator, int workers, int partitions) {
    try {
      if (coordinator) {
        c.startCoordinator();
      }
      for (int i = 0; i < workers; i++) {
        c.startWorker();
      }
      if (workers <= partitions) {
        // A job submitted before the group settles could have its running step handed to a worker
        // that joined late, and run twice (seen in CI: a streaming child spoke twice).
        c.awaitWorkersAssigned(Duration.ofSeconds(60));
      }
      return c;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      c.close();
      throw new IllegalStateException("interrupted while starting the workers", e);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  public void startCoordinator() {
    coordinator =
        new Coordinator(
            CoordinatorConfig.of(cluster, dataDir.resolve("coordinator"))
                .withCommitIntervalMs(settings.commitIntervalMs())
                // One instance, no other to take over: a long session rides out a busy machine,
                // and a standby has nowhere to go (Streams warns of every task at each rebalance).
                .withSessionTimeout(Duration.ofSeconds(10))
                .withStandbyReplicas(0),
            schemas,
            meters,
            openTelemetry);
    coordinator.start();
    try {
      if (!coordinator.awaitRunning(Duration.ofSeconds(60))) {
        throw new IllegalStateException(
            "the coordinator did not reach RUNNING within 60 s (state "
                + coordinator.state()
                + ")");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while starting the coordinator", e);
    }
  }

  public void stopCoordinator() {
    if (coordinator != null) {
      coordinator.close();
      coordinator = null;
    }
  }

  /** Starts a worker of every pool the graphs use. */
  public Worker startWorker() {
    return startWorker(graphs.pools().toArray(String[]::new));
  }

  /** Starts a worker of {@code pools}. */
  public Worker startWorker(String... pools) {
    return startWorker(graphs, pools);
  }

  /**
   * Starts a worker of every pool {@code graphs} use that has {@code graphs} (not the cluster's): a
   * worker of another release, say, during a rolling upgrade.
   */
  public Worker startWorker(GraphRegistry graphs) {
    return startWorker(graphs, graphs.pools().toArray(String[]::new));
  }

  private Worker startWorker(GraphRegistry graphs, String... pools) {
    Map<String, Integer> each = new TreeMap<>();
    for (String pool : pools) {
      each.put(pool, settings.workerConcurrency());
    }
    Worker w =
        new Worker(
            WorkerConfig.of(cluster)
                .withWorkerId("worker-" + (++workerCount))
                .withPools(each)
                .withCheckpointInterval(settings.checkpointInterval()),
            graphs,
            schemas,
            meters,
            openTelemetry);
    w.start();
    workers.add(w);
    return w;
  }

  public void stopWorker(Worker w) {
    w.close();
    workers.remove(w);
  }

  public List<Worker> workers() {
    return List.copyOf(workers);
  }

  /**
   * Waits until every worker owns task partitions: the group's first rebalances are over, so a task
   * started now is not handed to a worker that joined late (a long step would run twice).
   */
  public void awaitWorkersAssigned(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (workers.stream().anyMatch(w -> w.assignment().isEmpty())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("workers without task partitions after " + timeout);
      }
      Thread.sleep(50);
    }
  }

  /** The meters of the coordinator and every worker, in Prometheus' format via {@code scrape()}. */
  public PrometheusMeterRegistry meters() {
    return meters;
  }

  public ClusterConfig cluster() {
    return cluster;
  }

  public SchemaRegistryClient schemas() {
    return schemas;
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  public String registryUrl() {
    return registryServer.url();
  }

  public JobClient client() {
    return new JobClient(cluster, schemas);
  }

  /** Closes every part, even when one of them fails to close, so nothing keeps running. */
  @Override
  public void close() {
    List<Runnable> steps = new ArrayList<>();
    for (Worker w : List.copyOf(workers)) {
      steps.add(w::close);
    }
    steps.add(workers::clear);
    steps.add(this::stopCoordinator);
    steps.add(registryServer::close);
    steps.add(kafka::close);
    RuntimeException first = null;
    for (Runnable step : steps) {
      try {
        step.run();
      } catch (RuntimeException e) {
        if (first == null) {
          first = e;
        } else {
          first.addSuppressed(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }
}
