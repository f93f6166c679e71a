package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versions of one graph on one cluster, workers of two releases side by side: a job is pinned to
 * the version it started with, its children and its resume a while later included; a task of a
 * version its worker does not have is handed on to a worker that has it, and while none has, its
 * job waits and is told so; a job may name its version.
 */
class GraphVersionsTest {
  private static final Duration WAIT = Duration.ofMinutes(2);

  @TempDir static Path dir;
  private static DevCluster cluster;
  private static JobClient client;

  /** fan (n children, each writes which version ran it) → mark (the root writes its own). */
  static GraphProvider flow(String version) {
    Action work =
        Action.builder("work").reads("i").writes("by").update((s, in) -> s.update("by", version));
    Action fan =
        MapStates.builder("fan")
            .reads("n")
            .writes("children_by")
            .subGraph(RunnableGraph.of(Graph.builder().withActions(work).build(), "work"))
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
        return "fan";
      }
    };
  }

  @BeforeAll
  static void start() {
    cluster = DevCluster.start(dir, GraphRegistry.of(flow("1"), flow("2")), 0, 4);
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    cluster.close();
  }

  private static JobRequest job(String appId, String version, String... haltBefore) {
    return JobClient.job(appId, "flow")
        .state(State.of("n", 3L))
        .graphVersion(version)
        .haltBefore(haltBefore)
        .build();
  }

  /** The versions that ran the job: its root's, then each child's. */
  private static List<Object> ranBy(JobResult result) {
    assertThat(result.status()).as("error %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    return List.of(result.state().get("root_by"), result.state().get("children_by"));
  }

  @Test
  void aRollingUpgradeFailsNothingAndEachJobKeepsItsVersion() throws Exception {
    Worker release1 = cluster.startWorker(GraphRegistry.of(flow("1")));
    cluster.awaitWorkersAssigned(WAIT);
    JobRequest before = job("before", null);
    client.submit(before);
    assertThat(ranBy(client.await(before, WAIT, null)))
        .containsExactly("1", List.of("1", "1", "1"));
    JobRequest halted = job("halted", null, "mark");
    client.submit(halted);
    assertThat(client.await(halted, WAIT, null).status()).isEqualTo(JobStatus.HALTED);

    // Release 2 alone: new jobs take its version; the halted job's resume needs version 1.
    cluster.stopWorker(release1);
    Worker release2 = cluster.startWorker(GraphRegistry.of(flow("2")));
    cluster.awaitWorkersAssigned(WAIT);
    JobRequest after = job("after", null);
    client.submit(after);
    assertThat(ranBy(client.await(after, WAIT, null))).containsExactly("2", List.of("2", "2", "2"));
    JobClient.Resumed resumed = client.resume(JobClient.resumeOf("halted").build(), WAIT);
    awaitToldWaiting("halted", "default with graph flow version 1");
    JobRequest named = job("named-1", "1");
    client.submit(named);

    // A worker with both versions takes what waits for version 1.
    cluster.startWorker(GraphRegistry.of(flow("1"), flow("2")));
    assertThat(ranBy(client.await(resumed, WAIT, null)))
        .as("the halted job finishes on the version it started with")
        .containsExactly("1", List.of("1", "1", "1"));
    assertThat(ranBy(client.await(named, WAIT, null)))
        .as("a job that names its version")
        .containsExactly("1", List.of("1", "1", "1"));
    assertThat(release2.tasksHandedOn()).as("tasks release 2 handed on").isPositive();
  }

  @Test
  void aJobNamingAVersionNoWorkerHasWaitsToldSoUntilCancelled() throws Exception {
    if (cluster.workers().isEmpty()) {
      cluster.startWorker(GraphRegistry.of(flow("2")));
      cluster.awaitWorkersAssigned(WAIT);
    }
    JobRequest job = job("typo", "3");
    client.submit(job);
    awaitToldWaiting("typo", "default with graph flow version 3");
    assertThat(client.cancel("typo", WAIT).status()).isEqualTo(JobStatus.CANCELLED);
  }

  /** Waits until job {@code appId} is told its tasks wait in {@code pool}. */
  private static void awaitToldWaiting(String appId, String pool) throws InterruptedException {
    AvroSerde<TrackingEvent> events = BrambleSerdes.forType(TrackingEvent.class, cluster.schemas());
    long deadline = System.currentTimeMillis() + WAIT.toMillis();
    while (System.currentTimeMillis() < deadline) {
      boolean told =
          TopicReader.readAll(
                  cluster.cluster(), cluster.cluster().topics().events(), Duration.ofSeconds(30))
              .stream()
              .filter(r -> appId.equals(r.key()) && r.value() != null)
              .flatMap(
                  r -> TrackingEvents.unbatched(events.deserialize(r.topic(), r.value())).stream())
              .anyMatch(e -> e.getKind() == EventKind.POOL_WAITING && pool.equals(e.getPool()));
      if (told) {
        return;
      }
      Thread.sleep(500);
    }
    throw new AssertionError("job " + appId + " was not told it waits in " + pool);
  }
}
