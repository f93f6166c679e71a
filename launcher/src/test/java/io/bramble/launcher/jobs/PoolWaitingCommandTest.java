package io.bramble.launcher.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bramble.core.registry.GraphRegistry;
import io.bramble.devcluster.DevCluster;
import io.bramble.launcher.Console;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code submit --wait}, {@code watch} and {@code lag} say of a job whose tasks wait in a pool
 * that has no worker, and once a worker of it starts.
 */
class PoolWaitingCommandTest {
  private static final String WAITING = "waiting for a worker of pool gpu (4 tasks waiting in it)";

  @Test
  void submitWatchAndLagSayWhichPoolAJobWaitsForAndWatchSeesItServed(@TempDir Path dir)
      throws InterruptedException {
    try (DevCluster cluster = DevCluster.start(dir, GraphRegistry.load(), 0, 2)) {
      cluster.startWorker("default");
      List<String> where =
          List.of(
              "--bootstrap-servers",
              cluster.bootstrapServers(),
              "--registry-url",
              cluster.registryUrl());

      Console submit = new Console();
      int code =
          submit.run(
              args(
                  List.of(
                      "submit",
                      "embeddings",
                      "--app-id",
                      "cli-pool",
                      "--wait",
                      "--timeout",
                      "PT8S"),
                  where));
      assertThat(code).as("no gpu worker: the job cannot finish").isNotZero();
      assertThat(submit.err()).contains("0/4 children, " + WAITING);

      Console waiting = new Console();
      assertThat(waiting.run(args(List.of("watch", "cli-pool", "--timeout", "PT4S"), where)))
          .isNotZero();
      assertThat(waiting.out()).contains("POOL_WAITING cli-pool: " + WAITING);

      Console lag = new Console();
      assertThat(lag.run(args(List.of("lag"), where))).as(lag.err()).isZero();
      assertThat(lag.out())
          .containsPattern("bramble\\.workers\\.gpu +bramble\\.tasks\\.gpu +4 +0\\n")
          .containsPattern("bramble\\.workers +bramble\\.tasks +0 +1\\n");

      cluster.startWorker("gpu");
      // The coordinator sees the worker (and tells the job) within a round of its pool monitor.
      await()
          .atMost(Duration.ofMinutes(1))
          .until(
              () -> cluster.meters().scrape().contains("bramble_pool_workers{pool=\"gpu\"} 1.0"));
      Console served = new Console();
      assertThat(served.run(args(List.of("watch", "cli-pool"), where))).as(served.err()).isZero();
      assertThat(served.out())
          .contains("POOL_SERVED cli-pool: a worker of pool gpu takes its tasks")
          .containsPattern("STEP_END [0-9a-f-]+ #1 embed: \\d+ ms on worker-2 \\(pool gpu\\)")
          .contains("JOB_DONE cli-pool");

      // Every topic was written in transactions: their markers are not work waiting (the workers
      // commit their last offsets within 200 ms of the job's end).
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                Console idle = new Console();
                assertThat(idle.run(args(List.of("lag", "--json"), where))).as(idle.err()).isZero();
                assertThat(idle.out())
                    .contains(
                        "{\"group\":\"bramble.workers.gpu\",\"topic\":\"bramble.tasks.gpu\",\"waiting\":0,")
                    .contains(
                        "{\"group\":\"bramble.workers\",\"topic\":\"bramble.tasks\",\"waiting\":0,")
                    .contains("\"topic\":\"bramble.results\",\"waiting\":0,")
                    .doesNotContainPattern("\"waiting\":[1-9]");
              });
      await()
          .atMost(Duration.ofMinutes(1))
          .until(() -> cluster.meters().scrape().contains("bramble_pool_lag{pool=\"gpu\"} 0.0"));
    }
  }

  private static String[] args(List<String> command, List<String> where) {
    List<String> all = new ArrayList<>(command);
    all.addAll(where);
    return all.toArray(String[]::new);
  }
}
