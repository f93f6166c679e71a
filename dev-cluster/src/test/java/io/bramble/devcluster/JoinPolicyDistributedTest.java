package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobClient;
import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.ChildTimedOutException;
import io.bramble.core.parallel.JoinPolicy;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Join policies on the dev cluster: a first-N join completes with the children that completed first
 * and the others stop at their next step boundary; a child past its timeout counts as failed and is
 * stopped, and the job goes on without waiting for it.
 */
class JoinPolicyDistributedTest {
  private static final Duration WAIT = Duration.ofMinutes(2);

  /** Children with an x above this take long in their first step. */
  private static final long FAST = 2;

  private static final Set<String> BEGUN = ConcurrentHashMap.newKeySet();

  /** When each child's begin step ended (epoch ms). */
  private static final Map<String, Long> BEGUN_AT = new ConcurrentHashMap<>();

  private static final Set<String> ENDED = ConcurrentHashMap.newKeySet();

  @TempDir static Path dir;
  private static DevCluster cluster;
  private static JobClient client;

  /** Per x: {@code begin} (slow above FAST), then {@code end}; the reduce lists x², failures. */
  private static Graph squares(String name, long slowMs, UnaryOperator<MapStates.Builder> policy) {
    Action begin =
        Action.builder("begin")
            .reads("x")
            .writes("begun")
            .update(
                (s, in) -> {
                  if (s.getLong("x") > FAST) {
                    Thread.sleep(slowMs);
                  }
                  BEGUN_AT.put(name + s.getLong("x"), System.currentTimeMillis());
                  BEGUN.add(name + s.getLong("x"));
                  return s.update("begun", true);
                });
    Action end =
        Action.builder("end")
            .reads("x")
            .writes("y")
            .update(
                (s, in) -> {
                  ENDED.add(name + s.getLong("x"));
                  return s.update("y", s.getLong("x") * s.getLong("x"));
                });
    MapStates.Builder b =
        MapStates.builder("all")
            .reads("xs")
            .writes("ys", "failed")
            .subGraph(
                RunnableGraph.of(
                    Graph.builder().withActions(begin, end).withTransition("begin", "end").build(),
                    "begin"))
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) ->
                    s.update(
                        Map.of(
                            "ys", children.stream().map(c -> c.get("y")).toList(),
                            "failed", List.of())))
            .reduceWithFailures(
                (s, ok, failures) ->
                    s.update(
                        Map.of(
                            "ys",
                            ok.stream().map(c -> c.get("y")).toList(),
                            "failed",
                            failures.stream().map(f -> f.index() + " " + f.errorType()).toList())));
    return Graph.builder().withActions(policy.apply(b).build()).build();
  }

  private static GraphProvider provider(String name, Graph graph) {
    return new GraphProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Graph graph() {
        return graph;
      }

      @Override
      public String entrypoint() {
        return "all";
      }
    };
  }

  @BeforeAll
  static void start() {
    cluster =
        DevCluster.start(
            dir,
            GraphRegistry.of(
                provider("first2", squares("first2-", 2_000, b -> b.join(JoinPolicy.firstN(2)))),
                provider(
                    "timeout",
                    squares("timeout-", 6_000, b -> b.childTimeout(Duration.ofSeconds(2))))),
            2,
            4);
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    cluster.close();
  }

  private static JobResult run(String appId, String graph, List<Long> xs) throws Exception {
    JobRequest job = JobClient.job(appId, graph).state(State.of("xs", xs)).build();
    client.submit(job);
    return client.await(job, WAIT, null);
  }

  /** Waits until the slow children's first steps are over, then for what would follow them. */
  private static void awaitBegun(String prefix, int children) throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (BEGUN.stream().filter(b -> b.startsWith(prefix)).count() < children) {
      assertThat(System.nanoTime()).as("every child began in time").isLessThan(deadline);
      Thread.sleep(50);
    }
    Thread.sleep(1_000); // an end step that followed would have run by now
  }

  @Test
  void aFirstNJoinCompletesWithTheFirstChildrenAndTheOthersStopAtTheirNextStep() throws Exception {
    JobResult result = run("first2-job", "first2", List.of(1L, 2L, 3L, 4L, 5L));

    assertThat(result.getStatus()).as("error %s", result.getError()).isEqualTo(JobStatus.COMPLETED);
    assertThat(StateCodec.toState(result.getState()).<Long>getList("ys")).containsExactly(1L, 4L);
    awaitBegun("first2-", 5);
    assertThat(ENDED.stream().filter(e -> e.startsWith("first2-")))
        .as("the cancelled children never ran their end step")
        .containsExactlyInAnyOrder("first2-1", "first2-2");
  }

  @Test
  void aChildPastItsTimeoutCountsAsFailedAndIsStoppedWhileTheJobGoesOn() throws Exception {
    JobResult result = run("timeout-job", "timeout", List.of(1L, 2L, 3L));

    assertThat(result.getStatus()).as("error %s", result.getError()).isEqualTo(JobStatus.COMPLETED);
    State end = StateCodec.toState(result.getState());
    assertThat(end.<Long>getList("ys")).containsExactly(1L, 4L);
    assertThat(end.<String>getList("failed"))
        .containsExactly("2 " + ChildTimedOutException.class.getName());
    awaitBegun("timeout-", 3);
    assertThat(result.getFinishedAtMs())
        .as("the job was done before the slow child's first step was (it did not wait for it)")
        .isLessThan(BEGUN_AT.get("timeout-3"));
    assertThat(ENDED).doesNotContain("timeout-3");
  }
}
