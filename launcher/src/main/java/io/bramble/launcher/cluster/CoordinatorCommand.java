package io.bramble.launcher.cluster;

import io.bramble.coordinator.Coordinator;
import io.bramble.coordinator.CoordinatorConfig;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.launcher.LauncherContext;
import io.bramble.schemas.BrambleSchemas;
import io.bramble.schemas.kafka.ClusterConfig;
import io.bramble.schemas.kafka.TopicSetup;
import io.bramble.schemas.registry.SchemaRegistryClient;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bramble coordinator}: the Kafka Streams coordinator against any Kafka and registry. */
@Command(name = "coordinator", mixinStandardHelpOptions = true,
    description = "Runs the coordinator (job intake, fan-out, join and reduce) against a Kafka cluster.")
public final class CoordinatorCommand implements Callable<Integer> {
  private final LauncherContext context;

  @Mixin ClusterOptions cluster;

  @Option(names = "--state-dir", defaultValue = ".bramble/coordinator", paramLabel = "DIR",
      description = "Local state stores (rebuilt from changelogs when lost; default: ${DEFAULT-VALUE}).")
  Path stateDir;

  @Option(names = "--commit-interval-ms", defaultValue = "" + CoordinatorConfig.DEFAULT_COMMIT_INTERVAL_MS,
      paramLabel = "MS", description = "Exactly-once commit interval: bounds each hop's latency (default: ${DEFAULT-VALUE}).")
  long commitIntervalMs;

  public CoordinatorCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    ClusterConfig config = cluster.resolve(context.env());
    SchemaRegistryClient schemas = ClusterOptions.registry(config);
    TopicSetup.ensure(config);
    BrambleSchemas.registerAll(schemas, config.topics().prefix());
    GraphRegistry graphs = GraphRegistry.load();
    Coordinator coordinator = new Coordinator(
        new CoordinatorConfig(config, config.topics().prefix() + "coordinator", stateDir, commitIntervalMs), graphs, schemas);
    coordinator.start();
    context.out().println("bramble coordinator: " + config.bootstrapServers() + ", topics " + config.topics().prefix()
        + "*, graphs " + graphs.names());
    Shutdown.awaitSignal(coordinator::close);
    return 0;
  }
}
