package io.bramble.launcher.platform;

import io.bramble.core.registry.GraphRegistry;
import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.settings.ClusterOptions;
import io.bramble.launcher.settings.Configuration;
import io.bramble.launcher.settings.HealthOptions;
import io.bramble.launcher.settings.Setting;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.HealthServer;
import io.bramble.runtime.TopicSetup;
import io.bramble.worker.Worker;
import io.bramble.worker.WorkerConfig;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bramble worker}: one worker of one or more pools; run as many per pool as its tasks topic
 * has partitions.
 */
@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description =
        "Runs a worker: consumes tasks, runs their action loops, writes checkpoints and results.")
public final class WorkerCommand implements Callable<Integer> {
  public static final int DEFAULT_HEALTH_PORT = 8091;

  private final LauncherContext context;

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description =
          "Tasks run at once (env BRAMBLE_WORKER_CONCURRENCY, file worker.concurrency; default "
              + WorkerConfig.DEFAULT_CONCURRENCY
              + ").")
  Integer concurrency;

  @Option(
      names = "--checkpoint-interval-ms",
      paramLabel = "MS",
      description =
          "A task run writes its app's checkpoint once this long has passed since its last one,"
              + " and after its last step; a step that takes longer is always checkpointed, and a"
              + " worker that dies redoes at most this much of quick steps (env"
              + " BRAMBLE_WORKER_CHECKPOINT_INTERVAL_MS, file worker.checkpoint.interval.ms;"
              + " default 100; 0: after every step).")
  Long checkpointIntervalMs;

  @Option(
      names = "--pools",
      paramLabel = "POOL[,POOL…]",
      description =
          "The pools whose tasks this worker runs (env BRAMBLE_WORKER_POOLS, file worker.pools;"
              + " default: default).")
  String pools;

  @Option(
      names = "--pool-concurrency",
      paramLabel = "POOL=N[,…]",
      description =
          "Tasks run at once in a pool, for pools that need another number than --concurrency"
              + " (env BRAMBLE_WORKER_POOL_CONCURRENCY, file worker.pool.concurrency).")
  String poolConcurrency;

  @Option(
      names = "--worker-id",
      paramLabel = "ID",
      description =
          "This worker's name in logs and client ids (env BRAMBLE_WORKER_ID, file worker.id; default: random).")
  String workerId;

  @Mixin HealthOptions healthOptions;

  public WorkerCommand(LauncherContext context) {
    this.context = context;
  }

  /** The worker's checkpoint interval, from {@code flag} or the settings. */
  public static Duration checkpointInterval(Configuration conf, Long flag) {
    return Duration.ofMillis(
        conf.longValue(
            Setting.WORKER_CHECKPOINT_INTERVAL_MS,
            flag,
            WorkerConfig.DEFAULT_CHECKPOINT_INTERVAL.toMillis(),
            0));
  }

  @Override
  public Integer call() throws IOException {
    Configuration conf = cluster.configuration(context);
    ClusterConfig config = cluster.resolve(conf);
    int each =
        conf.integer(
            Setting.WORKER_CONCURRENCY, concurrency, WorkerConfig.DEFAULT_CONCURRENCY, 1, 100_000);
    WorkerConfig worker =
        WorkerConfig.of(config)
            .withPools(conf.pools(pools, poolConcurrency, each))
            .withCheckpointInterval(checkpointInterval(conf, checkpointIntervalMs));
    String id = conf.string(Setting.WORKER_ID, workerId, null);
    if (id != null) {
      worker = worker.withWorkerId(id);
    }

    // Set once start() has returned: reading it first makes the worker's own fields visible here.
    AtomicReference<Worker> started = new AtomicReference<>();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    HealthServer health =
        healthOptions.start(conf, DEFAULT_HEALTH_PORT, () -> readiness(started.get()), meters);
    WorkerConfig settings = worker;
    Shutdown.runUntilSignal(
        health,
        () -> {
          GraphRegistry graphs = context.graphs();
          // Every pool the graphs use gets its tasks topic here: the coordinator, which reads no
          // graph, sends a task only to a pool whose topic exists.
          Set<String> pools = new TreeSet<>(graphs.pools());
          pools.addAll(settings.pools().keySet());
          TopicSetup.ensure(config, pools);
          for (String pool : settings.pools().keySet()) {
            if (!graphs.pools().contains(pool)) {
              context
                  .err()
                  .println(
                      "warning: no loaded graph runs steps in pool "
                          + pool
                          + " (graphs "
                          + graphs.names()
                          + " use "
                          + graphs.pools()
                          + "); this worker serves it anyway");
            }
          }
          Worker w = new Worker(settings, graphs, config.schemaRegistry(), meters);
          w.start();
          started.set(w);
          context
              .out()
              .println(
                  "bramble worker "
                      + w.workerId()
                      + ": "
                      + config.bootstrapServers()
                      + ", pools "
                      + settings.pools()
                      + ", graphs "
                      + graphs.names()
                      + (health == null ? "" : ", health on :" + health.port()));
          return w::close;
        });
    return 0;
  }

  /** Ready once started, while its task consumer runs. */
  static HealthServer.Readiness readiness(Worker worker) {
    if (worker == null) {
      return HealthServer.Readiness.notReady("starting");
    }
    return worker.isRunning()
        ? HealthServer.Readiness.ready(
            "consuming tasks, " + worker.assignment().size() + " partitions assigned")
        : HealthServer.Readiness.notReady(worker.problem());
  }
}
