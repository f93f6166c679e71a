package io.bramble.launcher.processes;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.application.Application;
import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.core.state.State;
import io.bramble.embedded.EmbeddedSchemaRegistry;
import io.bramble.examples.approvals.Approvals;
import io.bramble.runtime.ClusterConfig;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.registry.SchemaRegistryClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job halted for a person survives the whole platform dying: broker, coordinator and worker
 * killed with {@code kill -9} while two of its children wait, then started again on their data; the
 * resumes still work and the job ends in the state of a local run.
 */
class HaltAcrossRestartTest {
  private static final Duration WAIT = Duration.ofMinutes(2);

  @Test
  void aHaltedJobIsResumedAfterTheClusterWasKilledAndRestarted(@TempDir Path dir) throws Exception {
    EmbeddedSchemaRegistry registry = null;
    try (ProcessCluster processes = new ProcessCluster(dir, Map.of())) {
      String bootstrap = processes.startBroker(dir.resolve("kafka"), ProcessCluster.freePort(), 2);
      registry = EmbeddedSchemaRegistry.start(bootstrap, 0);
      int registryPort = registry.port();
      List<String> args = ProcessCluster.clusterArgs(bootstrap, registry.url(), 2);
      processes.startCoordinator(args, dir.resolve("coordinator-state"));
      processes.awaitReady("coordinator");
      processes.startWorker("w1", args, 4);
      processes.awaitReady("w1");
      ClusterConfig cluster = ClusterConfig.of(bootstrap, registry.url()).withPartitions(2);

      List<JobResult.Waiting> waiting;
      try (JobClient client = client(cluster, registry)) {
        JobRequest job =
            JobClient.job("approvals-restart", "approvals").haltBefore("approve").build();
        client.submit(job);
        JobResult halted = client.await(job, WAIT, null);
        assertThat(halted.status()).isEqualTo(JobStatus.HALTED);
        waiting = halted.waiting();
        assertThat(waiting).hasSize(2);
      }

      processes.kill("w1");
      processes.kill("coordinator");
      processes.kill("broker");
      registry.close();
      processes.restart("broker");
      registry = EmbeddedSchemaRegistry.start(bootstrap, registryPort);
      processes.restart("coordinator");
      processes.restart("w1");

      try (JobClient client = client(cluster, registry)) {
        JobClient.Resumed first =
            client.resume(
                JobClient.resumeOf(waiting.get(0).appId())
                    .inputs(Map.of("verdict", "approved"))
                    .build(),
                WAIT);
        JobResult between = client.await(first, WAIT, null);
        assertThat(between.status()).isEqualTo(JobStatus.HALTED);
        assertThat(between.waiting()).containsExactly(waiting.get(1));

        JobClient.Resumed second =
            client.resume(
                JobClient.resumeOf(waiting.get(1).appId())
                    .inputs(Map.of("verdict", "approved"))
                    .build(),
                WAIT);
        JobResult done = client.await(second, WAIT, null);
        assertThat(done.status()).as("error %s", done.error()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.state().userValues())
            .as("the state of a local run, where approve takes the same verdict")
            .isEqualTo(localRun("approvals-restart").userValues());
      }
    } finally {
      if (registry != null) {
        registry.close();
      }
    }
  }

  private static JobClient client(ClusterConfig cluster, EmbeddedSchemaRegistry registry) {
    return new JobClient(cluster, SchemaRegistryClient.builder(registry.url()).build());
  }

  private static State localRun(String appId) {
    try (ThreadPoolParallelExecutor threads = new ThreadPoolParallelExecutor(8)) {
      return Application.builder()
          .withGraph(Approvals.graph())
          .withEntrypoint(Approvals.ENTRYPOINT)
          .withState(Approvals.initialState(Approvals.DEFAULT_REQUESTS, Approvals.DEFAULT_LIMIT))
          .withIdentifiers(appId, null)
          .withParallelExecutor(threads)
          .build()
          .run(Map.of("verdict", "approved"))
          .state();
    }
  }
}
