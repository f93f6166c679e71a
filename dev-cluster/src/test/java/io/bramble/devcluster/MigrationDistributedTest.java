package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.client.MigrateRefusedException;
import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphMigration;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import io.bramble.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migrating jobs in flight on a real broker ({@code bramble migrate}): a halted job of version 1
 * moves to version 2 on a worker that no longer has version 1, and a running job's whole tree moves
 * at its apps' next step boundaries, its children in the middle of their runs.
 */
class MigrationDistributedTest {
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final int CHILDREN = 3;

  /** Children that entered {@code start}, and the gate they wait at there. */
  private static final AtomicInteger started = new AtomicInteger();

  private static volatile CountDownLatch gate = new CountDownLatch(0);

  @TempDir static Path dir;
  private static DevCluster cluster;
  private static JobClient client;

  /**
   * fan (children: start, which waits at the gate, then finish, which writes the version that ran
   * it) → mark (the root writes its own). Version 2 takes every run of 1 at the same action.
   */
  static GraphProvider essay(String version) {
    Action start =
        Action.builder("start")
            .reads("i")
            .writes("started")
            .update(
                (s, in) -> {
                  started.incrementAndGet();
                  try {
                    gate.await(WAIT.toSeconds(), TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  return s.update("started", true);
                });
    Action finish =
        Action.builder("finish")
            .reads("started")
            .writes("by")
            .update((s, in) -> s.update("by", version));
    Graph child =
        Graph.builder().withActions(start, finish).withTransition("start", "finish").build();
    Action fan =
        MapStates.builder("fan")
            .reads("n")
            .writes("children_by")
            .subGraph(RunnableGraph.of(child, "start"))
            .states(
                (s, in) ->
                    LongStream.range(0, s.getLong("n")).mapToObj(i -> State.of("i", i)).toList())
            .reduce(
                (s, children) ->
                    s.update("children_by", children.stream().map(c -> c.get("by")).toList()))
            .build();
    Action mark =
        Action.builder("mark")
            .reads("children_by")
            .writes("root_by")
            .update((s, in) -> s.update("root_by", version));
    Graph graph = Graph.builder().withActions(fan, mark).withTransition("fan", "mark").build();
    return new GraphProvider() {
      @Override
      public String name() {
        return "essay";
      }

      @Override
      public String version() {
        return version;
      }

      @Override
      public GraphMigration migration() {
        return GraphMigration.sameActions();
      }

      @Override
      public Graph graph() {
        return graph;
      }

      @Override
      public String entrypoint() {
        return "fan";
      }
    };
  }

  @BeforeAll
  static void start() {
    cluster = DevCluster.start(dir, GraphRegistry.of(essay("1"), essay("2")), 0, 4);
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    gate.countDown();
    client.close();
    cluster.close();
  }

  private static JobRequest job(String appId, String... haltBefore) {
    return JobClient.job(appId, "essay")
        .state(State.of("n", (long) CHILDREN))
        .graphVersion("1")
        .haltBefore(haltBefore)
        .build();
  }

  @Test
  void aHaltedJobMovesToANewVersionOnAWorkerWithoutItsOld() throws Exception {
    Worker release1 = cluster.startWorker(GraphRegistry.of(essay("1")));
    cluster.awaitWorkersAssigned(WAIT);
    JobRequest halted = job("halted", "mark");
    client.submit(halted);
    assertThat(client.await(halted, WAIT, null).status()).isEqualTo(JobStatus.HALTED);
    cluster.stopWorker(release1);
    Worker release2 = cluster.startWorker(GraphRegistry.of(essay("2")));
    cluster.awaitWorkersAssigned(WAIT);

    client.migrate("halted", "2", WAIT);
    JobClient.Resumed resumed = client.resume(JobClient.resumeOf("halted").build(), WAIT);
    JobResult result = client.await(resumed, WAIT, null);

    assertThat(result.status()).as("error %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    assertThat(result.state().get("children_by"))
        .as("its children ran on version 1 before it halted")
        .isEqualTo(List.of("1", "1", "1"));
    assertThat(result.state().get("root_by")).as("its last step, on version 2").isEqualTo("2");
    assertThat(events("halted", EventKind.MIGRATED))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getAppId()).isEqualTo("halted");
              assertThat(e.getFromGraphVersion()).isEqualTo("1");
              assertThat(e.getGraphVersion()).isEqualTo("2");
              assertThat(e.getNextAction()).isEqualTo("mark");
            });
    assertThat(release2.tasksHandedOn()).as("nothing waited in version 1's lane").isZero();
    cluster.stopWorker(release2);
  }

  @Test
  void aRunningJobsWholeTreeMovesAtItsNextStepBoundaries() throws Exception {
    Worker both = cluster.startWorker(GraphRegistry.of(essay("1"), essay("2")));
    cluster.awaitWorkersAssigned(WAIT);
    started.set(0);
    gate = new CountDownLatch(1);
    JobRequest running = job("running");
    client.submit(running);
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (started.get() < CHILDREN && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(started.get()).as("children waiting in their first step").isEqualTo(CHILDREN);

    client.migrate("running", "2", WAIT);
    while (both.migrationsHeld() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    gate.countDown();
    JobResult result = client.await(running, WAIT, null);

    assertThat(result.status()).as("error %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    assertThat(result.state().get("children_by"))
        .as("each child moved after its first step")
        .isEqualTo(List.of("2", "2", "2"));
    assertThat(result.state().get("root_by")).isEqualTo("2");
    List<TrackingEvent> moves = events("running", EventKind.MIGRATED);
    assertThat(moves).as("the root and its %s children, each once", CHILDREN).hasSize(CHILDREN + 1);
    assertThat(moves)
        .filteredOn(e -> !e.getAppId().equals("running"))
        .allSatisfy(e -> assertThat(e.getNextAction()).isEqualTo("finish"));
    assertThatThrownBy(() -> client.migrate("running", "2", WAIT))
        .isInstanceOf(MigrateRefusedException.class)
        .hasMessage("job running is completed: only a running or halted job can be migrated");
    cluster.stopWorker(both);
  }

  /** The events of kind {@code kind} of job {@code rootAppId}'s tree. */
  private static List<TrackingEvent> events(String rootAppId, EventKind kind) {
    AvroSerde<TrackingEvent> serde = BrambleSerdes.forType(TrackingEvent.class, cluster.schemas());
    return TopicReader.readAll(
            cluster.cluster(), cluster.cluster().topics().events(), Duration.ofSeconds(30))
        .stream()
        .filter(r -> r.value() != null)
        .flatMap(r -> TrackingEvents.unbatched(serde.deserialize(r.topic(), r.value())).stream())
        .filter(e -> e.getKind() == kind && rootAppId.equals(e.getRootAppId()))
        .toList();
  }
}
