package io.bramble.launcher.graphs;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.application.Application;
import io.bramble.core.registry.GraphCatalog;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.state.State;
import io.bramble.embedded.EmbeddedSchemaRegistry;
import io.bramble.launcher.processes.ProcessCluster;
import io.bramble.runtime.ClusterConfig;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.registry.SchemaRegistryClient;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A graph compiled outside Bramble's modules, on {@code BRAMBLE_CLASSPATH} of separate {@code
 * bramble coordinator} and {@code bramble worker} processes (with a setting of its own in their
 * environment): a job for it ends in the state a local run ends in.
 */
class OutsideGraphJarTest {
  @Test
  void aGraphJarFromOutsideTheTreeRunsOnCoordinatorAndWorkerProcesses(@TempDir Path dir)
      throws Exception {
    Path jar = GraphJar.myflow(dir);
    Map<String, String> env =
        Map.of(GraphClassPath.ENV, jar.toString(), "BRAMBLE_MYFLOW_SUFFIX", "!");
    State input = State.of("text", "graphs from elsewhere run here");
    String appId = "outside-1";

    EmbeddedSchemaRegistry registry = null;
    try (ProcessCluster processes = new ProcessCluster(dir, env)) {
      String bootstrap = processes.startBroker(dir.resolve("kafka"), ProcessCluster.freePort(), 2);
      registry = EmbeddedSchemaRegistry.start(bootstrap, 0);
      List<String> clusterArgs = ProcessCluster.clusterArgs(bootstrap, registry.url(), 2);
      processes.startCoordinator(clusterArgs, dir.resolve("coordinator-state"));
      processes.awaitReady("coordinator");
      processes.startWorker("w1", clusterArgs, 4);
      processes.awaitReady("w1");

      ClusterConfig cluster = ClusterConfig.of(bootstrap, registry.url()).withPartitions(2);
      JobResult result;
      try (JobClient client =
          new JobClient(cluster, SchemaRegistryClient.builder(registry.url()).build())) {
        JobRequest job = JobClient.request(appId, "myflow", input, Map.of());
        client.submit(job);
        result = client.await(job, Duration.ofMinutes(2), null);
      }
      assertThat(result.status()).as("error: %s", result.error()).isEqualTo(JobStatus.COMPLETED);

      assertThat(result.state().userValues())
          .isEqualTo(localRun(jar, appId, input).userValues())
          .containsEntry("shouts", List.of("GRAPHS!", "FROM!", "ELSEWHERE!", "RUN!", "HERE!"));
    } finally {
      if (registry != null) {
        registry.close();
      }
    }
  }

  /** The same graph, loaded from the same jar, run in this JVM with the same setting. */
  private static State localRun(Path jar, String appId, State input) throws Exception {
    System.setProperty("myflow.suffix", "!");
    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {jar.toUri().toURL()}, OutsideGraphJarTest.class.getClassLoader())) {
      GraphProvider myflow = GraphCatalog.load(loader).registry().get("myflow", null).provider();
      return Application.builder()
          .withGraph(myflow.graph())
          .withEntrypoint(myflow.entrypoint())
          .withState(input)
          .withIdentifiers(appId, null)
          .build()
          .run()
          .state();
    } finally {
      System.clearProperty("myflow.suffix");
    }
  }
}
