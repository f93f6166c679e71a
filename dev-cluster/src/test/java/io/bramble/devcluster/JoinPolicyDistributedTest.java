package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.ChildTimedOutException;
import io.bramble.core.parallel.JoinPolicy;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Join policies on the dev cluster: a first-N join completes with the children that completed first
 * and the others stop at their next step boundary; a child past its timeout counts as failed and is
 * stopped, and the job goes on without waiting for it. The slow children are held in their first
 * step until the test lets them go, after the job's result and once their workers know of the
 * cancellations, so what they do next does not depend on timing.
 */
class JoinPolicyDistributedTest {
  private static final Duration WAIT = Duration.ofMinutes(2);

  /** Children with an x above this wait in their first step until their graph's latch opens. */
  private static final long FAST = 2;

  private static final CountDownLatch FIRST2_SLOW = new CountDownLatch(1);
  private static final CountDownLatch TIMEOUT_SLOW = new CountDownLatch(1);
  private static final Set<String> ENDED = ConcurrentHashMap.newKeySet();

  @TempDir static Path dir;
  private static DevCluster cluster;
  private static JobClient client;

  /**
   * Per x: {@code begin} (held by {@code slow} above FAST), then {@code end}; the reduce lists x²,
   * and the failures.
   */
  private static Graph squares(
      String name, CountDownLatch slow, UnaryOperator<MapStates.Builder> policy) {
    Action begin =
        Action.builder("begin")
            .reads("x")
            .writes("begun")
            .update(
                (s, in) -> {
                  if (s.getLong("x") > FAST && !slow.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("never let go");
                  }
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

  @BeforeAll
  static void start() {
    cluster =
        DevCluster.start(
            dir,
            GraphRegistry.of(
                GraphProvider.of(
                    "first2",
                    squares("first2-", FIRST2_SLOW, b -> b.join(JoinPolicy.firstN(2))),
                    "all"),
                GraphProvider.of(
                    "timeout",
                    squares("timeout-", TIMEOUT_SLOW, b -> b.childTimeout(Duration.ofSeconds(2))),
                    "all")),
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

  private static long tasksCancelled() {
    return cluster.workers().stream().mapToLong(Worker::tasksCancelled).sum();
  }

  private static int cancellationsHeld() {
    return cluster.workers().stream().mapToInt(Worker::cancellationsHeld).sum();
  }

  /**
   * Lets {@code slow} children go once their workers know of {@code cancelled} more cancellations,
   * and waits until those children's tasks have stopped.
   */
  private static void letGoAndAwaitStopped(
      CountDownLatch slow, int cancelled, int heldBefore, long stoppedBefore) {
    await().atMost(WAIT).until(() -> cancellationsHeld() >= heldBefore + cancelled);
    slow.countDown();
    await().atMost(WAIT).until(() -> tasksCancelled() >= stoppedBefore + cancelled);
  }

  @Test
  void aFirstNJoinCompletesWithTheFirstChildrenAndTheOthersStopAtTheirNextStep() throws Exception {
    int held = cancellationsHeld();
    long stopped = tasksCancelled();
    // Children 3 to 5 are held in their first step: the result can only come from 1 and 2.
    JobResult result = run("first2-job", "first2", List.of(1L, 2L, 3L, 4L, 5L));

    assertThat(result.status()).as("error %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    assertThat(result.state().<Long>getList("ys")).containsExactly(1L, 4L);
    letGoAndAwaitStopped(FIRST2_SLOW, 3, held, stopped);
    assertThat(ENDED.stream().filter(e -> e.startsWith("first2-")))
        .as("the cancelled children never ran their end step")
        .containsExactlyInAnyOrder("first2-1", "first2-2");
  }

  @Test
  void aChildPastItsTimeoutCountsAsFailedAndIsStoppedWhileTheJobGoesOn() throws Exception {
    int held = cancellationsHeld();
    long stopped = tasksCancelled();
    // Child 3 is held in its first step until after the result: the job did not wait for it.
    JobResult result = run("timeout-job", "timeout", List.of(1L, 2L, 3L));

    assertThat(result.status()).as("error %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    State end = result.state();
    assertThat(end.<Long>getList("ys")).containsExactly(1L, 4L);
    assertThat(end.<String>getList("failed"))
        .containsExactly("2 " + ChildTimedOutException.class.getName());
    letGoAndAwaitStopped(TIMEOUT_SLOW, 1, held, stopped);
    assertThat(ENDED).doesNotContain("timeout-3");
  }
}
