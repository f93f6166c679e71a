package io.bramble.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.action.Action;
import io.bramble.core.application.Application;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.persistence.InMemoryPersister;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.Topics;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.worker.TaskOutcome;
import io.bramble.worker.TaskRunner;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How the coordinator routes tasks to pools, on {@link TopologyTestDriver}: each task goes to its
 * pool's tasks topic, a moved app's next task is published once, and a move naming a pool no graph
 * here uses fails the app. The workers are played by the worker's real {@link TaskRunner}.
 */
class PoolRoutingTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path stateDir;

  private final Topics topics = Topics.defaults();
  private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
  private final GraphRegistry graphs =
      GraphRegistry.of(
          JoinGraphs.provider("index", index(), "index_all"),
          JoinGraphs.provider("gpu-first", gpuFirst(), "embed"));
  private final TaskRunner worker = new TaskRunner(graphs);
  private final InMemoryPersister checkpointStore = new InMemoryPersister();

  private CoordinatorDriver coordinator;
  private TopologyTestDriver driver;
  private TestInputTopic<String, SpecificRecord> jobs;
  private TestInputTopic<String, SpecificRecord> fanouts;
  private TestInputTopic<String, SpecificRecord> results;
  private TestOutputTopic<String, Task> defaultTasks;
  private TestOutputTopic<String, Task> gpuTasks;
  private JobResultsTopic jobResults;

  /** retrieve → embed (pool gpu) → store, per document; the parent sums the lengths. */
  static Graph index() {
    Action retrieve =
        Action.builder("retrieve")
            .reads("doc")
            .writes("text")
            .update((s, in) -> s.update("text", s.getString("doc").toUpperCase()));
    Action embed =
        Action.builder("embed")
            .reads("text")
            .writes("length")
            .pool("gpu")
            .update((s, in) -> s.update("length", (long) s.getString("text").length()));
    Action store =
        Action.builder("store")
            .reads("length")
            .writes("stored")
            .update((s, in) -> s.update("stored", true));
    RunnableGraph child =
        RunnableGraph.of(
            Graph.builder()
                .withActions(retrieve, embed, store)
                .withTransition("retrieve", "embed")
                .withTransition("embed", "store")
                .build(),
            "retrieve");
    Action indexAll =
        MapStates.builder("index_all")
            .reads("docs")
            .writes("total")
            .subGraph(child)
            .states(
                (s, in) -> s.<String>getList("docs").stream().map(d -> State.of("doc", d)).toList())
            .reduce(
                (s, children) ->
                    s.update("total", children.stream().mapToLong(c -> c.getLong("length")).sum()))
            .build();
    return Graph.builder().withActions(indexAll).build();
  }

  /** A root whose first step runs in pool gpu, then one in the default pool. */
  static Graph gpuFirst() {
    return Graph.builder()
        .withActions(
            Action.builder("embed").writes("v").pool("gpu").update((s, in) -> s.update("v", 1L)),
            Action.builder("keep")
                .reads("v")
                .writes("kept")
                .update((s, in) -> s.update("kept", true)))
        .withTransition("embed", "keep")
        .build();
  }

  @BeforeEach
  void start() {
    coordinator = new CoordinatorDriver(topics, graphs, schemas, stateDir, START);
    driver = coordinator.driver;
    jobs = coordinator.jobs;
    fanouts = coordinator.fanouts;
    results = coordinator.results;
    defaultTasks = coordinator.output(topics.tasks(), Task.class);
    gpuTasks = coordinator.output(topics.tasks("gpu"), Task.class);
    jobResults = coordinator.jobResults();
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private void submit(String appId, String graph, State state) {
    jobs.pipeInput(
        appId,
        JobRequest.newBuilder()
            .setAppId(appId)
            .setGraph(graph)
            .setState(StateCodec.toAvro(state))
            .setInputs(StateCodec.fromMap(Map.of()))
            .setSubmittedAtMs(START.toEpochMilli())
            .build());
  }

  private void send(TaskOutcome outcome) {
    coordinator.send(outcome);
  }

  /** Plays one worker per pool until no task is left; returns the actions each pool's tasks ran. */
  private Map<String, List<String>> runToTheEnd() {
    List<String> ranByDefault = new ArrayList<>();
    List<String> ranByGpu = new ArrayList<>();
    while (!defaultTasks.isEmpty() || !gpuTasks.isEmpty()) {
      while (!defaultTasks.isEmpty()) {
        Task t = defaultTasks.readValue();
        assertThat(t.getPool()).isEqualTo("default");
        ranByDefault.add(t.getPosition());
        send(worker.run(t, checkpointStore));
      }
      while (!gpuTasks.isEmpty()) {
        Task t = gpuTasks.readValue();
        assertThat(t.getPool()).isEqualTo("gpu");
        ranByGpu.add(t.getPosition());
        send(worker.run(t, checkpointStore));
      }
    }
    return Map.of("default", ranByDefault, "gpu", ranByGpu);
  }

  @Test
  void eachChildMovesToTheGpuPoolForItsEmbedStepAndBackAndTheReduceEqualsTheLocalRun() {
    State state = State.of("docs", List.of("sea", "harbour", "cliffs"));
    submit("job-1", "index", state);

    Map<String, List<String>> ran = runToTheEnd();

    assertThat(ran.get("gpu")).containsExactly("embed", "embed", "embed");
    assertThat(ran.get("default"))
        .as("the root's fan-out (at its entrypoint), each child's steps, then the reduce")
        .containsExactly(
            null, "retrieve", "retrieve", "retrieve", "store", "store", "store", "index_all");
    JobResult result = jobResults.readValue();
    assertThat(result.getStatus()).isEqualTo(JobStatus.COMPLETED);
    State local =
        Application.builder()
            .withGraph(index())
            .withEntrypoint("index_all")
            .withState(state)
            .build()
            .run()
            .state();
    assertThat(StateCodec.toState(result.getState()).get("total")).isEqualTo(local.get("total"));
  }

  @Test
  void aRootWhoseFirstActionIsInAPoolMovesThereBeforeItsFirstStep() {
    submit("job-2", "gpu-first", State.empty());

    // The coordinator reads no graph: the job starts in the default pool, whose worker moves it.
    assertThat(gpuTasks.isEmpty()).isTrue();
    TaskResult move =
        ((TaskOutcome.Finished) worker.run(defaultTasks.readValue(), checkpointStore)).result();
    assertThat(move.getStatus()).isEqualTo(ResultStatus.MOVED);
    results.pipeInput(move.getAppId(), move);
    Task root = gpuTasks.readValue();
    assertThat(root.getPosition()).isEqualTo("embed");
    assertThat(root.getSequenceId()).isZero();
    send(worker.run(root, checkpointStore));
    Task next = defaultTasks.readValue();
    assertThat(next.getPosition()).isEqualTo("keep");
    assertThat(next.getSequenceId()).isEqualTo(1);
    send(worker.run(next, checkpointStore));

    assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.COMPLETED);
  }

  @Test
  void aMoveDeliveredAgainIsPublishedOnceAndOneAfterItsJoinCompletedIsDropped() {
    submit("job-3", "index", State.of("docs", List.of("sea")));
    send(worker.run(defaultTasks.readValue(), checkpointStore)); // the fan-out
    Task child = defaultTasks.readValue();
    TaskOutcome moved = worker.run(child, checkpointStore);
    TaskResult move = ((TaskOutcome.Finished) moved).result();
    assertThat(move.getStatus()).isEqualTo(ResultStatus.MOVED);
    assertThat(move.getNext().getPool()).isEqualTo("gpu");

    send(moved);
    send(moved); // the worker's task delivered again, after a crash before its offset commit
    assertThat(gpuTasks.readValuesToList()).hasSize(1);

    runToTheEnd(); // nothing left: the one gpu task was read above
    send(worker.run(move.getNext(), checkpointStore));
    runToTheEnd();
    assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.COMPLETED);

    send(moved); // long after: the child's join is gone
    assertThat(gpuTasks.isEmpty()).isTrue();
    assertThat(defaultTasks.isEmpty()).isTrue();
  }

  @Test
  void aMoveToAPoolWithoutATasksTopicFailsTheAppNamingThePool() {
    submit("job-4", "gpu-first", State.empty());
    Task root = defaultTasks.readValue();
    TaskResult move = ((TaskOutcome.Finished) worker.run(root, checkpointStore)).result();
    move.getNext().setPool("tpu"); // a worker whose graph code differs from the others'

    results.pipeInput(move.getAppId(), move);

    JobResult result = jobResults.readValue();
    assertThat(result.getStatus()).isEqualTo(JobStatus.FAILED);
    assertThat(result.getError().getMessage())
        .contains("moved to pool tpu")
        .contains("that pool has no tasks topic");
    assertThat(defaultTasks.isEmpty()).isTrue();
    assertThat(gpuTasks.isEmpty()).isTrue();
  }
}
