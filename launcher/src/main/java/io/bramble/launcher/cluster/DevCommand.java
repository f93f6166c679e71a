package io.bramble.launcher.cluster;

import io.bramble.core.registry.GraphRegistry;
import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.dev.DevCluster;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bramble dev}: broker, schema registry, coordinator and workers in this JVM. */
@Command(name = "dev", mixinStandardHelpOptions = true,
    description = {"Starts a Kafka broker, a schema registry, the coordinator and workers in this JVM.",
        "Data lives under --data-dir, so stopping (Ctrl-C) and starting again resumes unfinished jobs."})
public final class DevCommand implements Callable<Integer> {
  private final LauncherContext context;

  @Option(names = "--data-dir", defaultValue = ".bramble", paramLabel = "DIR", description = "Where data lives (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(names = "--workers", defaultValue = "2", paramLabel = "N", description = "Workers to run (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(names = "--port", defaultValue = "9092", paramLabel = "PORT", description = "Kafka port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--registry-port", defaultValue = "8081", paramLabel = "PORT", description = "Schema registry port (default: ${DEFAULT-VALUE}).")
  int registryPort;

  @Option(names = "--partitions", defaultValue = "4", paramLabel = "N", description = "Partitions per topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  public DevCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    GraphRegistry graphs = GraphRegistry.load();
    DevCluster cluster = DevCluster.start(dataDir, graphs, workers, partitions, port, registryPort);
    context.out().println("bramble dev: Kafka on " + cluster.bootstrapServers() + ", schema registry on "
        + cluster.registryUrl() + ", coordinator and " + workers + " workers running; graphs " + graphs.names());
    context.out().println("submit a job with: bramble submit collatz --wait   (Ctrl-C stops; data under "
        + dataDir.toAbsolutePath() + ")");
    Shutdown.awaitSignal(cluster::close);
    return 0;
  }
}
