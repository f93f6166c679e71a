package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.client.CancelRefusedException;
import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.client.ResumeRefusedException;
import io.bramble.core.action.Action;
import io.bramble.core.action.ActionOutcome;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.TopicReader;
import io.bramble.schemas.avro.JobRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancelling a job on the dev cluster: a running 500-child job stops (its queued children never
 * run, a step under way sees the cancel and stops early, no step starts once the cancel is
 * answered, counted), a halted one too (its waiting children cannot be resumed), the checkpoints of
 * both are removed; an ended job is refused naming its status, and cancelling twice is harmless.
 */
class CancelDistributedTest {
  private static final Duration WAIT = Duration.ofMinutes(2);

  /** How long a worker may take to read a cancellation after the client has its answer. */
  private static final Duration GRACE = Duration.ofSeconds(1);

  /** Every step a child began: its job's tag, app id, action and start time. */
  record Started(String tag, String appId, String action, long atMs) {}

  static final Queue<Started> STARTED = new ConcurrentLinkedQueue<>();
  static final AtomicInteger STOPPED_EARLY = new AtomicInteger();

  @TempDir static Path dir;
  private static DevCluster cluster;
  private static JobClient client;

  /**
   * fan (n children, each: call, a model call of call_ms that stops early once cancelled; then
   * finish) → the reduce counts them. Steps are recorded under the job's tag.
   */
  static final class Cancellable implements GraphProvider {
    private final Graph graph = build();

    @Override
    public String name() {
      return "cancellable";
    }

    @Override
    public Graph graph() {
      return graph;
    }

    @Override
    public String entrypoint() {
      return "fan";
    }

    private static Graph build() {
      Action call =
          Action.builder("call")
              .reads("tag", "call_ms")
              .writes("called")
              .run(
                  (s, in, ctx) -> {
                    STARTED.add(
                        new Started(
                            s.getString("tag"), ctx.appId(), "call", System.currentTimeMillis()));
                    long end = System.currentTimeMillis() + s.getLong("call_ms");
                    while (System.currentTimeMillis() < end) {
                      if (ctx.isCancelled()) {
                        STOPPED_EARLY.incrementAndGet();
                        break;
                      }
                      Thread.sleep(20);
                    }
                    return ActionOutcome.of(Map.of(), s.update("called", true));
                  });
      Action finish =
          Action.builder("finish")
              .reads("tag", "called")
              .writes("done")
              .run(
                  (s, in, ctx) -> {
                    STARTED.add(
                        new Started(
                            s.getString("tag"), ctx.appId(), "finish", System.currentTimeMillis()));
                    return ActionOutcome.of(Map.of(), s.update("done", true));
                  });
      Graph child =
          Graph.builder().withActions(call, finish).withTransition("call", "finish").build();
      Action fan =
          MapStates.builder("fan")
              .reads("tag", "n", "call_ms")
              .writes("finished")
              .subGraph(RunnableGraph.of(child, "call"))
              .states(
                  (s, in) ->
                      LongStream.range(0, s.getLong("n"))
                          .mapToObj(
                              i ->
                                  State.of(
                                      "tag",
                                      s.getString("tag"),
                                      "i",
                                      i,
                                      "call_ms",
                                      s.getLong("call_ms")))
                          .toList())
              .reduce((s, children) -> s.update("finished", (long) children.size()))
              .build();
      return Graph.builder().withActions(fan).build();
    }
  }

  @BeforeAll
  static void start() {
    cluster = DevCluster.start(dir, GraphRegistry.of(new Cancellable()), 2, 4);
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    cluster.close();
  }

  @Test
  void aRunning500ChildJobStopsEveryChildAndNothingStartsAfterTheCancelledResult()
      throws Exception {
    JobRequest job =
        JobClient.job("wide", "cancellable")
            .state(State.of("tag", "wide", "n", 500L, "call_ms", 3_000L))
            .build();
    client.submit(job);
    long deadline = System.currentTimeMillis() + WAIT.toMillis();
    while (started("wide").size() < 6 && System.currentTimeMillis() < deadline) {
      Thread.sleep(20);
    }
    assertThat(started("wide")).as("children under way").hasSizeGreaterThanOrEqualTo(6);

    JobResult cancelled = client.cancel("wide", WAIT);
    long answeredAt = System.currentTimeMillis();

    assertThat(cancelled.status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(client.await(job, WAIT, null).status())
        .as("the job's result, as any waiter sees it")
        .isEqualTo(JobStatus.CANCELLED);
    Thread.sleep(5_000); // long enough for the calls under way to end, and queued tasks to be read
    List<Started> steps = started("wide");
    assertThat(steps.stream().filter(s -> s.atMs() > answeredAt + GRACE.toMillis()))
        .as("steps begun after the cancel was answered")
        .isEmpty();
    Set<String> ran = new HashSet<>();
    steps.forEach(s -> ran.add(s.appId()));
    assertThat(ran.size())
        .as("children that began a step, of 500: at most those under way on the two workers")
        .isLessThanOrEqualTo(2 * DevCluster.Settings.defaults().workerConcurrency());
    assertThat(steps.stream().filter(s -> s.action().equals("finish")))
        .as("a cancelled call is not followed by its next step")
        .isEmpty();
    assertThat(STOPPED_EARLY.get()).as("calls under way that saw the cancel").isPositive();
    ran.add("wide");
    awaitCheckpointsRemoved(ran);
  }

  @Test
  void aHaltedJobIsCancelledItsWaitingChildrenCannotBeResumedAndCancellingTwiceIsHarmless()
      throws Exception {
    JobRequest job =
        JobClient.job("halted", "cancellable")
            .state(State.of("tag", "halted", "n", 3L, "call_ms", 0L))
            .haltBefore("finish")
            .build();
    client.submit(job);
    JobResult halted = client.await(job, WAIT, null);
    assertThat(halted.status()).isEqualTo(JobStatus.HALTED);
    assertThat(halted.waiting()).hasSize(3);

    assertThat(client.cancel("halted", WAIT).status()).isEqualTo(JobStatus.CANCELLED);
    assertThat(client.cancel("halted", WAIT).status())
        .as("a second cancel is answered as the first")
        .isEqualTo(JobStatus.CANCELLED);

    String child = halted.waiting().get(0).appId();
    assertThatThrownBy(() -> client.resume(JobClient.resumeOf(child).build(), WAIT))
        .isInstanceOf(ResumeRefusedException.class);
    assertThatThrownBy(() -> client.resume(JobClient.resumeOf("halted").build(), WAIT))
        .isInstanceOf(ResumeRefusedException.class)
        .hasMessage("app halted is cancelled, not halted");
    awaitCheckpointsRemoved(
        Set.of("halted", child, halted.waiting().get(1).appId(), halted.waiting().get(2).appId()));
  }

  @Test
  void aJobThatEndedIsRefusedNamingItsStatus() throws Exception {
    JobRequest job =
        JobClient.job("done", "cancellable")
            .state(State.of("tag", "done", "n", 2L, "call_ms", 0L))
            .build();
    client.submit(job);
    assertThat(client.await(job, WAIT, null).status()).isEqualTo(JobStatus.COMPLETED);

    assertThatThrownBy(() -> client.cancel("done", WAIT))
        .isInstanceOf(CancelRefusedException.class)
        .hasMessage("job done is completed: only a running or halted job can be cancelled");
    assertThat(client.await(job, WAIT, null).status())
        .as("its result stands")
        .isEqualTo(JobStatus.COMPLETED);
  }

  /** The steps the children of the job tagged {@code tag} began. */
  private static List<Started> started(String tag) {
    return STARTED.stream().filter(s -> s.tag().equals(tag)).toList();
  }

  /** Waits until the latest record of each of {@code apps} on the checkpoints topic is none. */
  private static void awaitCheckpointsRemoved(Set<String> apps) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 30_000;
    Map<String, Boolean> kept = new HashMap<>();
    while (System.currentTimeMillis() < deadline) {
      kept.clear();
      for (ConsumerRecord<String, byte[]> r :
          TopicReader.readAll(
              cluster.cluster(),
              cluster.cluster().topics().checkpoints(),
              Duration.ofSeconds(30))) {
        if (apps.contains(r.key())) {
          kept.put(r.key(), r.value() != null);
        }
      }
      if (!kept.containsValue(true)) {
        return;
      }
      Thread.sleep(200);
    }
    assertThat(kept).as("apps whose checkpoint is still there").doesNotContainValue(true);
  }
}
