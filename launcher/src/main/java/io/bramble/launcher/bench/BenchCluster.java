package io.bramble.launcher.bench;

import io.bramble.coordinator.CoordinatorConfig;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.devcluster.DevCluster;
import io.bramble.worker.WorkerConfig;
import io.opentelemetry.api.GlobalOpenTelemetry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The in-JVM dev cluster a distributed bench runs on (broker, registry, exactly-once coordinator,
 * workers, 4 partitions): its options, shared by {@code bench distributed} and {@code bench
 * throughput}.
 */
final class BenchCluster {
  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "2",
      description = "Workers of the dev cluster (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--commit-interval-ms",
      paramLabel = "MS",
      description =
          "The coordinator's commit interval (default: the platform's, "
              + CoordinatorConfig.DEFAULT_COMMIT_INTERVAL_MS
              + " ms), to see what it costs.")
  long commitIntervalMs = CoordinatorConfig.DEFAULT_COMMIT_INTERVAL_MS;

  @Option(
      names = "--checkpoint-interval-ms",
      paramLabel = "MS",
      description =
          "How often a worker's task run writes a checkpoint (default: the platform's, "
              + "${DEFAULT-VALUE} ms; 0: after every step), to see what it costs.")
  long checkpointIntervalMs = WorkerConfig.DEFAULT_CHECKPOINT_INTERVAL.toMillis();

  DevCluster start(Path dir, GraphRegistry graphs) {
    return DevCluster.start(
        dir,
        graphs,
        workers,
        4,
        0,
        0,
        GlobalOpenTelemetry.get(),
        new DevCluster.Settings(commitIntervalMs, WorkerConfig.DEFAULT_CONCURRENCY)
            .withCheckpointInterval(Duration.ofMillis(checkpointIntervalMs)));
  }

  /** For a bench's first line. */
  String describe() {
    return String.format(
        Locale.ROOT,
        "dev cluster with %d workers, exactly-once (commit every %d ms), a checkpoint every %d ms",
        workers,
        commitIntervalMs,
        checkpointIntervalMs);
  }
}
