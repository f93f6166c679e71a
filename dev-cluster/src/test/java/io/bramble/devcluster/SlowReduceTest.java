package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.StreamPartitions;
import io.bramble.schemas.avro.JobRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reduce that takes longer than the coordinator's transaction may stay open (a model merging the
 * children's drafts) runs on a worker: it completes once, and a job whose records share the slow
 * job's partition completes meanwhile.
 */
class SlowReduceTest {
  /**
   * A reduce that asks a model to merge the drafts: four times Kafka Streams' exactly-once
   * transaction timeout (its producers' transaction.timeout.ms, 10 s by default). Inside the
   * coordinator, such a reduce ran five times in 180 s and its job never completed.
   */
  private static final int REDUCE_MS = 40_000;

  private static final int PARTITIONS = 4;

  /** Reduces started and finished, by the job's tag. */
  private static final Map<String, AtomicInteger> STARTED = new ConcurrentHashMap<>();

  private static final Map<String, AtomicInteger> FINISHED = new ConcurrentHashMap<>();

  @TempDir Path dir;

  /** squares (one child per x; the reduce sleeps reduce_ms) → total. */
  private static final class SlowReduce implements GraphProvider {
    private final Graph graph = build();

    @Override
    public String name() {
      return "slow-reduce";
    }

    @Override
    public Graph graph() {
      return graph;
    }

    @Override
    public String entrypoint() {
      return "squares";
    }

    private static Graph build() {
      Action square =
          Action.builder("square")
              .reads("x")
              .writes("y")
              .update((s, in) -> s.update("y", s.getLong("x") * s.getLong("x")));
      Action squares =
          MapStates.builder("squares")
              .reads("xs", "reduce_ms", "tag")
              .writes("ys")
              .subGraph(RunnableGraph.of(square))
              .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
              .reduce(
                  (s, children) -> {
                    String tag = s.getString("tag");
                    STARTED.computeIfAbsent(tag, k -> new AtomicInteger()).incrementAndGet();
                    sleep(s.getLong("reduce_ms"));
                    FINISHED.computeIfAbsent(tag, k -> new AtomicInteger()).incrementAndGet();
                    return s.update("ys", children.stream().map(c -> c.get("y")).toList());
                  })
              .build();
      Action total =
          Action.builder("total")
              .reads("ys")
              .writes("total")
              .update(
                  (s, in) ->
                      s.update(
                          "total",
                          s.<Long>getList("ys").stream().mapToLong(Long::longValue).sum()));
      return Graph.builder().withActions(squares, total).withTransition("squares", "total").build();
    }

    private static void sleep(long ms) {
      try {
        Thread.sleep(ms);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    }
  }

  private static JobRequest job(String appId, String tag, long reduceMs) {
    return JobClient.request(
        appId,
        "slow-reduce",
        State.of("xs", List.of(1L, 2L, 3L), "reduce_ms", reduceMs, "tag", tag),
        Map.of());
  }

  @Test
  void aReduceLongerThanTheCoordinatorsTransactionTimeoutCompletesOnceAndDelaysNoOtherJob()
      throws Exception {
    try (DevCluster cluster =
            DevCluster.start(dir, GraphRegistry.of(new SlowReduce()), 2, PARTITIONS);
        JobClient client = cluster.client()) {
      String slowId = "slow-1";
      String quickId = "quick-1";
      for (int i = 2;
          StreamPartitions.of(quickId, PARTITIONS) != StreamPartitions.of(slowId, PARTITIONS);
          i++) {
        quickId = "quick-" + i;
      }
      JobRequest slow = job(slowId, "slow", REDUCE_MS);
      CompletableFuture<JobResult> slowResult = client.resultOf(slow);
      client.submit(slow);
      await().atMost(Duration.ofMinutes(1)).until(() -> STARTED.containsKey("slow"));

      JobRequest quick = job(quickId, "quick", 0);
      CompletableFuture<JobResult> quickDone = client.resultOf(quick);
      client.submit(quick);
      JobResult quickResult = quickDone.get(1, TimeUnit.MINUTES);

      assertThat(quickResult.status()).isEqualTo(JobStatus.COMPLETED);
      assertThat(quickResult.state().getLong("total")).isEqualTo(14L);
      assertThat(FINISHED.get("slow"))
          .as("the quick job, on the slow one's partition, finished during its reduce")
          .isNull();

      JobResult done = slowResult.get(2, TimeUnit.MINUTES);
      assertThat(done.status()).as("error %s", done.error()).isEqualTo(JobStatus.COMPLETED);
      assertThat(done.state().getLong("total")).isEqualTo(14L);
      assertThat(STARTED.get("slow")).as("the reduce ran once").hasValue(1);
      assertThat(FINISHED.get("slow")).hasValue(1);
    }
  }
}
