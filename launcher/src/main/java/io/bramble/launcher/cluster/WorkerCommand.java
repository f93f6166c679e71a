package io.bramble.launcher.cluster;

import io.bramble.core.registry.GraphRegistry;
import io.bramble.launcher.LauncherContext;
import io.bramble.schemas.kafka.ClusterConfig;
import io.bramble.schemas.kafka.TopicSetup;
import io.bramble.worker.Worker;
import io.bramble.worker.WorkerConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bramble worker}: one worker; run as many as the tasks topic has partitions. */
@Command(name = "worker", mixinStandardHelpOptions = true,
    description = "Runs a worker: consumes tasks, runs their action loops, writes checkpoints and results.")
public final class WorkerCommand implements Callable<Integer> {
  private final LauncherContext context;

  @Mixin ClusterOptions cluster;

  @Option(names = "--concurrency", paramLabel = "N", description = "Tasks run at once (env BRAMBLE_WORKER_CONCURRENCY; default 16).")
  Integer concurrency;

  @Option(names = "--worker-id", paramLabel = "ID", description = "This worker's name in logs and client ids (default: random).")
  String workerId;

  public WorkerCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    ClusterConfig config = cluster.resolve(context.env());
    TopicSetup.ensure(config);
    WorkerConfig worker = WorkerConfig.of(config);
    String envConcurrency = context.env().get("BRAMBLE_WORKER_CONCURRENCY");
    if (concurrency != null) {
      worker = worker.withConcurrency(concurrency);
    } else if (envConcurrency != null) {
      worker = worker.withConcurrency(Integer.parseInt(envConcurrency.trim()));
    }
    if (workerId != null) {
      worker = worker.withWorkerId(workerId);
    }
    GraphRegistry graphs = GraphRegistry.load();
    Worker w = new Worker(worker, graphs, ClusterOptions.registry(config));
    w.start();
    context.out().println("bramble worker " + w.workerId() + ": " + config.bootstrapServers() + ", concurrency "
        + worker.concurrency() + ", graphs " + graphs.names());
    Shutdown.awaitSignal(w::close);
    return 0;
  }
}
