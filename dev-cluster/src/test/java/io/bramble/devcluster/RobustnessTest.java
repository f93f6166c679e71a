package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.application.Application;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.schemas.avro.JobRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Burr's robustness scenario, distributed: every step fails with probability 5 %; the job is
 * resubmitted until it succeeds, each attempt resuming from the checkpoints of the last.
 */
class RobustnessTest {
  @TempDir Path dir;

  @Test
  void aFlakyJobResubmittedUntilItSucceedsRunsEachChildsInitialStepOnceAndMatchesTheFaultFreeRun()
      throws Exception {
    FlakyCollatz provider = new FlakyCollatz();
    FlakyCollatz.failureRate = 0;
    State expected =
        Application.builder()
            .withGraph(provider.graph())
            .withEntrypoint(provider.entrypoint())
            .withState(provider.defaultState())
            .build()
            .run()
            .state();
    FlakyCollatz.INITIAL_RUNS.clear();

    long seed = Long.getLong("robustness.seed", System.nanoTime());
    System.out.println("robustness seed " + seed + " (replay with -Drobustness.seed=" + seed + ")");
    FlakyCollatz.random = new Random(seed);
    FlakyCollatz.failureRate = 0.05;
    int attempts = 0;
    JobResult result;
    try (DevCluster cluster = DevCluster.start(dir, GraphRegistry.of(provider), 2, 4);
        JobClient client = cluster.client()) {
      do {
        attempts++;
        JobRequest job = JobClient.request("flaky-1", "flaky_collatz", State.empty(), Map.of());
        client.submit(job);
        result = client.await(job, Duration.ofMinutes(2), null);
      } while (result.status() == JobStatus.FAILED && attempts < 200);
    } finally {
      FlakyCollatz.failureRate = 0;
    }
    System.out.println("robustness: succeeded after " + attempts + " attempts (seed " + seed + ")");
    assertThat(result.status())
        .as("seed %d, attempts %d: %s", seed, attempts, result.error())
        .isEqualTo(JobStatus.COMPLETED);
    assertThat(result.state().userValues()).as("seed %d", seed).isEqualTo(expected.userValues());
    assertThat(FlakyCollatz.INITIAL_RUNS).as("seed %d", seed).hasSize(20);
    FlakyCollatz.INITIAL_RUNS.forEach(
        (n, runs) ->
            assertThat(runs.get()).as("initial of child n=%d, seed %d", n, seed).isEqualTo(1));
  }
}
