package io.bramble.launcher.platform;

import io.bramble.coordinator.CoordinatorConfig;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.devcluster.DevCluster;
import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.settings.ClusterOptions;
import io.bramble.launcher.settings.Configuration;
import io.bramble.launcher.settings.Setting;
import io.bramble.launcher.ui.UiCommand;
import io.bramble.ui.ClusterResumer;
import io.bramble.ui.KafkaEventStore;
import io.bramble.ui.UiServer;
import io.bramble.worker.WorkerConfig;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bramble dev}: broker, schema registry, coordinator and workers in this JVM. */
@Command(
    name = "dev",
    mixinStandardHelpOptions = true,
    description = {
      "Starts a Kafka broker, a schema registry, the coordinator and workers in this JVM.",
      "Data lives under --data-dir, so stopping (Ctrl-C) and starting again resumes unfinished jobs."
    })
public final class DevCommand implements Callable<Integer> {
  private final LauncherContext context;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--data-dir",
      paramLabel = "DIR",
      description = "Where data lives (env BRAMBLE_DATA_DIR; default .bramble).")
  Path dataDir;

  @Option(
      names = "--workers",
      paramLabel = "N",
      description = "Workers to run (env BRAMBLE_DEV_WORKERS; default 2).")
  Integer workers;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "Kafka port (env BRAMBLE_KAFKA_PORT; default 9092).")
  Integer port;

  @Option(
      names = "--registry-port",
      paramLabel = "PORT",
      description = "Schema registry port (env BRAMBLE_REGISTRY_PORT; default 8081).")
  Integer registryPort;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description = "Partitions per topic (env BRAMBLE_PARTITIONS; default 4).")
  Integer partitions;

  @Option(
      names = "--commit-interval-ms",
      paramLabel = "MS",
      description =
          "The coordinator's exactly-once commit interval (env BRAMBLE_COMMIT_INTERVAL_MS; default "
              + CoordinatorConfig.DEFAULT_COMMIT_INTERVAL_MS
              + ").")
  Long commitIntervalMs;

  @Option(
      names = "--concurrency",
      paramLabel = "N",
      description =
          "Tasks each worker runs at once (env BRAMBLE_WORKER_CONCURRENCY; default "
              + WorkerConfig.DEFAULT_CONCURRENCY
              + ").")
  Integer workerConcurrency;

  @Option(
      names = "--checkpoint-interval-ms",
      paramLabel = "MS",
      description =
          "How often each worker's task run writes its app's checkpoint (env"
              + " BRAMBLE_WORKER_CHECKPOINT_INTERVAL_MS; default 100; 0: after every step).")
  Long checkpointIntervalMs;

  @Option(
      names = "--allow-resume",
      description =
          "A halted app's page in the UI offers a form that resumes it (env"
              + " BRAMBLE_UI_ALLOW_RESUME; default off).")
  Boolean allowResume;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "A properties file (env BRAMBLE_CONFIG) with the settings above (data.dir, dev.workers, kafka.port, "
              + "registry.port, partitions, commit.interval.ms, worker.concurrency, worker.checkpoint.interval.ms).")
  Path configFile;

  public DevCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    Configuration conf =
        Configuration.load(spec.commandLine(), configFile, context.env(), context.graphSettings());
    Path dir = conf.path(Setting.DATA_DIR, dataDir, Setting.DATA_DIR.defaultValue());
    int n = conf.integer(Setting.DEV_WORKERS, workers, 2, 0, 1_000);
    int kafkaPort = conf.port(Setting.KAFKA_PORT, port, 9092);
    int schemaPort = conf.port(Setting.REGISTRY_PORT, registryPort, 8081);
    int parts = conf.integer(Setting.PARTITIONS, partitions, 4, 1, Integer.MAX_VALUE);
    DevCluster.Settings settings =
        new DevCluster.Settings(
                conf.longValue(
                    Setting.COMMIT_INTERVAL_MS,
                    commitIntervalMs,
                    CoordinatorConfig.DEFAULT_COMMIT_INTERVAL_MS,
                    1),
                conf.integer(
                    Setting.WORKER_CONCURRENCY,
                    workerConcurrency,
                    WorkerConfig.DEFAULT_CONCURRENCY,
                    1,
                    100_000))
            .withCheckpointInterval(WorkerCommand.checkpointInterval(conf, checkpointIntervalMs));
    GraphRegistry graphs = context.graphs();
    int uiPort = conf.port(Setting.UI_PORT, null, UiCommand.DEFAULT_PORT);
    String uiHost = conf.string(Setting.UI_HOST, null, UiServer.DEFAULT_HOST);
    boolean resumeFromPage = conf.bool(Setting.UI_ALLOW_RESUME, allowResume, false);
    DevCluster cluster =
        DevCluster.start(
            dir, graphs, n, parts, kafkaPort, schemaPort, GlobalOpenTelemetry.get(), settings);
    UiServer ui =
        uiPort == 0
            ? null
            : UiServer.start(
                new KafkaEventStore(cluster.cluster(), cluster.schemas()),
                uiHost,
                uiPort,
                resumeFromPage ? new ClusterResumer(cluster.cluster(), cluster.schemas()) : null);
    context
        .out()
        .println(
            "bramble dev: Kafka on "
                + cluster.bootstrapServers()
                + ", schema registry on "
                + cluster.registryUrl()
                + ", coordinator and "
                + n
                + " workers running; graphs "
                + graphs.names()
                + (ui == null ? "" : "; UI on http://" + uiHost + ":" + ui.port() + "/"));
    context
        .out()
        .println(
            "submit a job with: bramble submit collatz --wait"
                + ClusterOptions.flagsFor(cluster.cluster())
                + "   (Ctrl-C stops; data under "
                + dir.toAbsolutePath()
                + ")");
    Shutdown.awaitSignal(
        () -> {
          if (ui != null) {
            ui.close();
          }
          cluster.close();
        });
    return 0;
  }
}
