package io.bramble.launcher.platform;

import io.bramble.coordinator.Coordinator;
import io.bramble.coordinator.CoordinatorConfig;
import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.settings.ClusterOptions;
import io.bramble.launcher.settings.Configuration;
import io.bramble.launcher.settings.HealthOptions;
import io.bramble.launcher.settings.Setting;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.HealthServer;
import io.bramble.runtime.TopicSetup;
import io.bramble.schemas.BrambleSchemas;
import io.bramble.schemas.registry.SchemaRegistryClient;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bramble coordinator}: the Kafka Streams coordinator against any Kafka and registry. */
@Command(
    name = "coordinator",
    mixinStandardHelpOptions = true,
    description =
        "Runs the coordinator (job intake, fan-outs and joins; it loads no graph) against a Kafka"
            + " cluster.")
public final class CoordinatorCommand implements Callable<Integer> {
  public static final int DEFAULT_HEALTH_PORT = 8090;

  private final LauncherContext context;

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Local state stores, rebuilt from changelogs when lost (env BRAMBLE_STATE_DIR, file state.dir; "
              + "default .bramble/coordinator).")
  Path stateDir;

  @Option(
      names = "--commit-interval-ms",
      paramLabel = "MS",
      description =
          "Exactly-once commit interval: bounds each hop's latency (env BRAMBLE_COMMIT_INTERVAL_MS, "
              + "file commit.interval.ms; default "
              + CoordinatorConfig.DEFAULT_COMMIT_INTERVAL_MS
              + ").")
  Long commitIntervalMs;

  @Option(
      names = "--session-timeout-ms",
      paramLabel = "MS",
      description =
          "How long an instance that stopped answering keeps its partitions before another takes"
              + " them over (env BRAMBLE_COORDINATOR_SESSION_TIMEOUT_MS, file"
              + " coordinator.session.timeout.ms; default 3000; brokers whose"
              + " group.min.session.timeout.ms is higher, 6000 unless lowered, get their minimum).")
  Long sessionTimeoutMs;

  @Option(
      names = "--standby-replicas",
      paramLabel = "N",
      description =
          "Copies of each partition's state kept warm on other instances for a fast takeover (env"
              + " BRAMBLE_COORDINATOR_STANDBY_REPLICAS, file coordinator.standby.replicas; default 1;"
              + " each costs another instance disk, memory and changelog reads).")
  Integer standbyReplicas;

  @Mixin HealthOptions healthOptions;

  public CoordinatorCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    Configuration conf = cluster.configurationWithoutGraphs(context);
    ClusterConfig config = cluster.resolve(conf);
    Path dir = conf.path(Setting.STATE_DIR, stateDir, Setting.STATE_DIR.defaultValue());
    long commitMs =
        conf.longValue(
            Setting.COMMIT_INTERVAL_MS,
            commitIntervalMs,
            CoordinatorConfig.DEFAULT_COMMIT_INTERVAL_MS,
            1);
    long sessionMs =
        conf.longValue(
            Setting.COORDINATOR_SESSION_TIMEOUT_MS,
            sessionTimeoutMs,
            CoordinatorConfig.DEFAULT_SESSION_TIMEOUT.toMillis(),
            1_000);
    int standbys =
        conf.integer(
            Setting.COORDINATOR_STANDBY_REPLICAS,
            standbyReplicas,
            CoordinatorConfig.DEFAULT_STANDBY_REPLICAS,
            0,
            Integer.MAX_VALUE);

    AtomicReference<Coordinator> started = new AtomicReference<>();
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    HealthServer health =
        healthOptions.start(conf, DEFAULT_HEALTH_PORT, () -> readiness(started.get()), meters);
    Shutdown.runUntilSignal(
        health,
        () -> {
          SchemaRegistryClient schemas = config.schemaRegistry();
          // The pools' tasks topics are the workers' to create: they know the graphs.
          TopicSetup.ensure(config);
          BrambleSchemas.registerAll(schemas, config.topics().prefix());
          Coordinator coordinator =
              new Coordinator(
                  CoordinatorConfig.of(config, dir)
                      .withCommitIntervalMs(commitMs)
                      .withSessionTimeout(Duration.ofMillis(sessionMs))
                      .withStandbyReplicas(standbys),
                  schemas,
                  meters);
          coordinator.onFailure(
              () -> {
                context
                    .err()
                    .println(
                        "bramble coordinator: stopped after repeated failures; see the log above");
                new Thread(() -> System.exit(1), "bramble-exit").start();
              });
          coordinator.start();
          started.set(coordinator);
          context
              .out()
              .println(
                  "bramble coordinator: "
                      + config.bootstrapServers()
                      + ", topics "
                      + config.topics().prefix()
                      + "* (no graph code: the workers run every step)"
                      + (health == null ? "" : ", health on :" + health.port()));
          return coordinator::close;
        });
    return 0;
  }

  /** Ready while the Streams app runs or rebalances (a rebalance is part of normal running). */
  static HealthServer.Readiness readiness(Coordinator coordinator) {
    if (coordinator == null) {
      return HealthServer.Readiness.notReady("starting (topics, schemas)");
    }
    KafkaStreams.State state = coordinator.state();
    boolean ready = state == KafkaStreams.State.RUNNING || state == KafkaStreams.State.REBALANCING;
    return new HealthServer.Readiness(ready, "streams " + state);
  }
}
