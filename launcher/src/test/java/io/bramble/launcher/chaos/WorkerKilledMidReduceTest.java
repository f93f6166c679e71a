package io.bramble.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.state.State;
import io.bramble.embedded.EmbeddedSchemaRegistry;
import io.bramble.launcher.processes.ProcessCluster;
import io.bramble.runtime.ClusterConfig;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.registry.SchemaRegistryClient;
import java.io.File;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reduce is a step on a worker like any other: broker, coordinator (with no graph code on its
 * class path) and a worker as processes; the worker is killed with {@code kill -9} while it runs a
 * slow reduce, and the worker that takes over runs the reduce again and completes the job, once.
 */
class WorkerKilledMidReduceTest {
  private static final Duration WAIT = Duration.ofMinutes(3);

  /** Children of the job; its reduce sleeps this long (a model merging their drafts). */
  private static final int CHILDREN = 6;

  private static final int REDUCE_MS = 8_000;

  @Test
  void aWorkerKilledMidReduceIsReplacedAndTheReduceRunsAgainToOneResult(@TempDir Path dir)
      throws Exception {
    Path executions = Files.createDirectories(dir.resolve("executions"));
    EmbeddedSchemaRegistry registry = null;
    try (ProcessCluster processes =
        new ProcessCluster(dir, Map.of(ExecutionRecorder.ENV, executions.toString()))) {
      assertThat(graphProviders(processes.coordinatorClassPath()))
          .as("graph providers on the coordinator's class path")
          .isEmpty();
      String bootstrap = processes.startBroker(dir.resolve("kafka"), ProcessCluster.freePort(), 2);
      registry = EmbeddedSchemaRegistry.start(bootstrap, 0);
      List<String> args = ProcessCluster.clusterArgs(bootstrap, registry.url(), 2);
      processes.startCoordinator(args, dir.resolve("coordinator-state"));
      processes.awaitReady("coordinator");
      processes.startWorker("w-1", args, 4);
      processes.awaitReady("w-1");
      long firstWorker = processes.current("w-1").orElseThrow().pid();
      ClusterConfig cluster = ClusterConfig.of(bootstrap, registry.url()).withPartitions(2);

      try (JobClient client =
          new JobClient(cluster, SchemaRegistryClient.builder(registry.url()).build())) {
        JobRequest job =
            JobClient.request(
                "reduce-kill", ChaosGraph.NAME, ChaosGraph.input(CHILDREN, 0, REDUCE_MS), Map.of());
        client.submit(job);
        await().atMost(WAIT).until(() -> !ExecutionLog.read(executions).of("reduce").isEmpty());
        assertThat(ExecutionLog.read(executions).of("reduce"))
            .extracting(ExecutionLog.Execution::pid)
            .as("the reduce runs on the worker")
            .containsExactly(firstWorker);
        processes.kill("w-1");
        processes.startWorker("w-2", args, 4);
        processes.awaitReady("w-2");

        JobResult result = client.resultOf(job).get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(result.status()).as("error %s", result.error()).isEqualTo(JobStatus.COMPLETED);
        State end = result.state();
        assertThat(end.<Long>getList("outs"))
            .isEqualTo(LongStream.range(0, CHILDREN).map(i -> i * 2).boxed().toList());
        assertThat(end.getLong("sum")).isEqualTo((long) CHILDREN * (CHILDREN - 1));
        long secondWorker = processes.current("w-2").orElseThrow().pid();
        assertThat(ExecutionLog.read(executions).of("reduce"))
            .extracting(ExecutionLog.Execution::pid)
            .as("once per try: the killed worker's, then its successor's")
            .containsExactly(firstWorker, secondWorker);
        assertThat(ExecutionLog.read(executions).of("summarize"))
            .as("the parent went on after the reduce once")
            .hasSize(1);
      }
    } finally {
      if (registry != null) {
        registry.close();
      }
    }
  }

  /** The graph providers a process with {@code classPath} would find. */
  private static List<String> graphProviders(String classPath) throws Exception {
    String[] entries = classPath.split(File.pathSeparator);
    URL[] urls = new URL[entries.length];
    for (int i = 0; i < entries.length; i++) {
      urls[i] = Path.of(entries[i]).toUri().toURL();
    }
    try (URLClassLoader loader = new URLClassLoader(urls, ClassLoader.getPlatformClassLoader())) {
      Class<?> provider = loader.loadClass(GraphProvider.class.getName());
      return ServiceLoader.load(provider, loader).stream().map(p -> p.type().getName()).toList();
    }
  }
}
