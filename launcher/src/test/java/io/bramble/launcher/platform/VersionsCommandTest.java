package io.bramble.launcher.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.devcluster.DevCluster;
import io.bramble.launcher.Console;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bramble versions} through a rolling upgrade: a halted job of version 1 is in flight; once
 * only workers of version 2 run, its resume waits for version 1, counted; once a worker with both
 * has finished it, version 1 has nothing in flight and can leave the workers.
 */
class VersionsCommandTest {
  private static final Duration WAIT = Duration.ofMinutes(2);

  /** first → second, each writing which version ran it. */
  static GraphProvider flow(String version) {
    Graph graph =
        Graph.builder()
            .withActions(
                Action.builder("first")
                    .writes("first_by")
                    .update((s, in) -> s.update("first_by", version)),
                Action.builder("second")
                    .reads("first_by")
                    .writes("second_by")
                    .update((s, in) -> s.update("second_by", version)))
            .withTransition("first", "second")
            .build();
    return new GraphProvider() {
      @Override
      public String name() {
        return "flow";
      }

      @Override
      public String version() {
        return version;
      }

      @Override
      public Graph graph() {
        return graph;
      }

      @Override
      public String entrypoint() {
        return "first";
      }
    };
  }

  /** graph → version → [jobs, apps, waiting], as {@code bramble versions --json} says. */
  private static Map<String, long[]> versions(DevCluster cluster) throws Exception {
    Console console = new Console();
    assertThat(
            console.run(
                "versions",
                "--json",
                "--bootstrap-servers",
                cluster.bootstrapServers(),
                "--registry-url",
                cluster.registryUrl()))
        .as(console.err())
        .isZero();
    Map<String, long[]> out = new HashMap<>();
    for (JsonNode v : new ObjectMapper().readTree(console.out()).get("versions")) {
      out.put(
          v.get("graph").asText() + " " + v.get("version").asText(),
          new long[] {v.get("jobs").asLong(), v.get("apps").asLong(), v.get("waiting").asLong()});
    }
    return out;
  }

  @Test
  void aVersionIsInFlightUntilItsLastJobEndsWhereverItWaits(@TempDir Path dir) throws Exception {
    try (DevCluster cluster = DevCluster.start(dir, GraphRegistry.of(flow("1"), flow("2")), 0, 2);
        JobClient client = cluster.client()) {
      Worker release1 = cluster.startWorker(GraphRegistry.of(flow("1")));
      cluster.awaitWorkersAssigned(WAIT);
      JobRequest job = JobClient.job("old", "flow").haltBefore("second").build();
      client.submit(job);
      assertThat(client.await(job, WAIT, null).status()).isEqualTo(JobStatus.HALTED);
      assertThat(versions(cluster)).containsOnlyKeys("flow 1");
      assertThat(versions(cluster).get("flow 1")).containsExactly(1, 1, 0);

      cluster.stopWorker(release1);
      cluster.startWorker(GraphRegistry.of(flow("2")));
      cluster.awaitWorkersAssigned(WAIT);
      JobClient.Resumed resumed = client.resume(JobClient.resumeOf("old").build(), WAIT);
      long deadline = System.currentTimeMillis() + WAIT.toMillis();
      while (versions(cluster).get("flow 1")[2] == 0 && System.currentTimeMillis() < deadline) {
        Thread.sleep(300);
      }
      assertThat(versions(cluster).get("flow 1"))
          .as("its resume waits in version 1's lane")
          .containsExactly(1, 1, 1);

      cluster.startWorker(GraphRegistry.of(flow("1"), flow("2")));
      JobResult done = client.await(resumed, WAIT, null);
      assertThat(done.status()).as("error %s", done.error()).isEqualTo(JobStatus.COMPLETED);
      assertThat(done.state().getString("second_by")).isEqualTo("1");
      assertThat(versions(cluster).get("flow 1"))
          .as("nothing of version 1 in flight")
          .containsExactly(0, 0, 0);
    }
  }
}
