package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.schemas.avro.JobRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code maxConcurrency(2)} over 20 children holds across the cluster: two workers with 64 task
 * threads each never run more than two of the children at once (counted by the children), also
 * while the coordinator is stopped and started again in the middle of the job.
 */
class FanOutBudgetTest {
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final AtomicInteger RUNNING = new AtomicInteger();
  private static final AtomicInteger MOST = new AtomicInteger();
  private static final AtomicInteger FINISHED = new AtomicInteger();

  private static Graph budgeted() {
    Action work =
        Action.builder("work")
            .reads("x")
            .writes("y")
            .update(
                (s, in) -> {
                  MOST.accumulateAndGet(RUNNING.incrementAndGet(), Math::max);
                  try {
                    Thread.sleep(100);
                  } finally {
                    RUNNING.decrementAndGet();
                    FINISHED.incrementAndGet();
                  }
                  return s.update("y", s.getLong("x") * 2);
                });
    return Graph.builder()
        .withActions(
            MapStates.builder("all")
                .reads("xs")
                .writes("sum")
                .action(work)
                .maxConcurrency(2)
                .states(
                    (s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
                .reduce(
                    (s, children) ->
                        s.update("sum", children.stream().mapToLong(c -> c.getLong("y")).sum()))
                .build())
        .build();
  }

  @Test
  void aBudgetOfTwoOverTwentyChildrenHoldsAcrossTheClusterAndACoordinatorRestart(@TempDir Path dir)
      throws Exception {
    try (DevCluster cluster =
            DevCluster.start(
                dir, GraphRegistry.of(GraphProvider.of("budgeted", budgeted(), "all")), 2, 4);
        JobClient client = cluster.client()) {
      List<Long> xs = LongStream.rangeClosed(1, 20).boxed().toList();
      JobRequest job = JobClient.job("budget-1", "budgeted").state(State.of("xs", xs)).build();
      client.submit(job);

      await().atMost(WAIT).until(() -> FINISHED.get() >= 6);
      cluster.stopCoordinator();
      int beforeRestart = FINISHED.get();
      cluster.startCoordinator();
      JobResult result = client.await(job, WAIT, null);

      assertThat(result.status()).as("error %s", result.error()).isEqualTo(JobStatus.COMPLETED);
      assertThat(result.state().getLong("sum")).isEqualTo(420);
      assertThat(beforeRestart).as("the coordinator restarted mid-job").isLessThan(20);
      assertThat(MOST.get()).as("children running at once, counted").isBetween(1, 2);
      assertThat(FINISHED.get()).as("each child ran once").isEqualTo(20);
    }
  }
}
