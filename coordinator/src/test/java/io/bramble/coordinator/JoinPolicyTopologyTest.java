package io.bramble.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.ChildTimedOutException;
import io.bramble.core.parallel.JoinPolicy;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.persistence.InMemoryPersister;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.Topics;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.CheckpointStatus;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.worker.TaskOutcome;
import io.bramble.worker.TaskRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.LongStream;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Join policies and child timeouts in the coordinator, on {@link
 * org.apache.kafka.streams.TopologyTestDriver}: a join that completes early reduces what came in,
 * cancels the other children on the checkpoints topic and ignores what they report later.
 */
class JoinPolicyTopologyTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path stateDir;

  private final Topics topics = Topics.defaults();
  private final InMemoryPersister checkpointStore = new InMemoryPersister();
  private CoordinatorDriver coordinator;
  private TaskRunner worker;
  private TestOutputTopic<String, Task> tasks;
  private JobResultsTopic jobResults;
  private TestOutputTopic<String, Checkpoint> checkpoints;

  /**
   * One child per x squaring it; the reduce lists the squares, and the failures' index and type.
   */
  private static Graph squares(UnaryOperator<MapStates.Builder> policy) {
    MapStates.Builder b =
        MapStates.builder("squares")
            .reads("xs")
            .writes("ys", "failed")
            .subGraph(RunnableGraph.of(JoinGraphs.SQUARE))
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) ->
                    s.update(
                        Map.of(
                            "ys",
                            children.stream().map(c -> c.get("y")).toList(),
                            "failed",
                            List.of())))
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

  private List<Task> fanOut(UnaryOperator<MapStates.Builder> policy, int children) {
    GraphRegistry graphs = GraphRegistry.of(JoinGraphs.provider("g", squares(policy), "squares"));
    worker = new TaskRunner(graphs);
    coordinator =
        new CoordinatorDriver(topics, graphs, new InMemorySchemaRegistry(), stateDir, START);
    tasks = coordinator.output(topics.tasks(), Task.class);
    jobResults = coordinator.jobResults();
    checkpoints = coordinator.output(topics.checkpoints(), Checkpoint.class);
    List<Long> xs = LongStream.rangeClosed(1, children).boxed().toList();
    coordinator.jobs.pipeInput(
        "job",
        JobRequest.newBuilder()
            .setAppId("job")
            .setGraph("g")
            .setState(StateCodec.toAvro(State.of("xs", xs)))
            .setInputs(StateCodec.fromMap(Map.of()))
            .setSubmittedAtMs(START.toEpochMilli())
            .build());
    coordinator.send(worker.run(tasks.readValue(), checkpointStore));
    return tasks.readValuesToList();
  }

  @AfterEach
  void stop() {
    if (coordinator != null) {
      coordinator.close();
    }
  }

  private TaskOutcome run(Task child) {
    return worker.run(child, checkpointStore);
  }

  /** Plays the worker that reduces the completed join. */
  private void reduce() {
    coordinator.reduce(tasks, worker, checkpointStore);
  }

  private List<String> cancelled() {
    return checkpoints.readValuesToList().stream()
        .filter(c -> c != null && c.getStatus() == CheckpointStatus.CANCELLED)
        .map(Checkpoint::getAppId)
        .toList();
  }

  @Test
  void firstNReducesTheFirstToCompleteCancelsTheOthersAndIgnoresTheirLaterResults() {
    List<Task> children = fanOut(b -> b.join(JoinPolicy.firstN(2)), 4);
    assertThat(children).hasSize(4);
    TaskOutcome late = run(children.get(0));

    coordinator.send(run(children.get(3)));
    assertThat(jobResults.isEmpty()).isTrue();
    coordinator.send(run(children.get(1)));
    reduce();

    JobResult result = jobResults.readValue();
    assertThat(result.getStatus()).isEqualTo(JobStatus.COMPLETED);
    assertThat(StateCodec.toState(result.getState()).<Long>getList("ys"))
        .as("the two that completed first, in task order")
        .containsExactly(4L, 16L);
    assertThat(cancelled())
        .containsExactlyInAnyOrder(children.get(0).getAppId(), children.get(2).getAppId());

    coordinator.send(late); // a cancelled child reports after all
    assertThat(jobResults.isEmpty()).isTrue();
    assertThat(tasks.isEmpty()).isTrue();
  }

  @Test
  void aQuorumCompletesOnceItsShareHasCompleted() {
    List<Task> children = fanOut(b -> b.join(JoinPolicy.quorum(0.75)), 4);
    coordinator.send(run(children.get(2)));
    coordinator.send(run(children.get(0)));
    assertThat(jobResults.isEmpty()).isTrue();
    coordinator.send(run(children.get(3)));
    reduce();

    assertThat(StateCodec.toState(jobResults.readValue().getState()).<Long>getList("ys"))
        .containsExactly(1L, 9L, 16L);
    assertThat(cancelled()).containsExactly(children.get(1).getAppId());
  }

  @Test
  void underABudgetTheChildrenAJoinCompletedWithoutAreNeverReleased() {
    List<Task> children = fanOut(b -> b.join(JoinPolicy.firstN(1)).maxConcurrency(1), 3);
    assertThat(children).hasSize(1);

    coordinator.send(run(children.get(0)));
    reduce(); // children 1 and 2 were never released: the only task out reduces the join

    assertThat(StateCodec.toState(jobResults.readValue().getState()).<Long>getList("ys"))
        .containsExactly(1L);
    assertThat(tasks.isEmpty()).isTrue();
  }

  @Test
  void childrenStillQueuedUnderABudgetWhenTheyTimeOutAreNeverReleased() {
    List<Task> children = fanOut(b -> b.maxConcurrency(1).childTimeout(Duration.ofSeconds(10)), 3);
    assertThat(children).hasSize(1);

    coordinator.driver.advanceWallClockTime(Duration.ofSeconds(11));
    reduce(); // the queued children were not released: the only task out reduces the join

    State end = StateCodec.toState(jobResults.readValue().getState());
    assertThat(end.<String>getList("failed")).hasSize(3);
    assertThat(tasks.isEmpty()).isTrue();
  }

  @Test
  void aChildNotDoneInTimeCountsAsFailedIsCancelledAndItsLateResultIsIgnored() {
    List<Task> children = fanOut(b -> b.childTimeout(Duration.ofSeconds(10)), 3);
    coordinator.send(run(children.get(0)));
    coordinator.send(run(children.get(1)));
    TaskOutcome late = run(children.get(2));
    coordinator.driver.advanceWallClockTime(Duration.ofSeconds(5));
    assertThat(jobResults.isEmpty()).as("not yet due").isTrue();

    coordinator.driver.advanceWallClockTime(Duration.ofSeconds(6));
    reduce();

    JobResult result = jobResults.readValue();
    assertThat(result.getStatus()).isEqualTo(JobStatus.COMPLETED);
    State end = StateCodec.toState(result.getState());
    assertThat(end.<Long>getList("ys")).containsExactly(1L, 4L);
    assertThat(end.<String>getList("failed"))
        .containsExactly("2 " + ChildTimedOutException.class.getName());
    assertThat(cancelled()).containsExactly(children.get(2).getAppId());
    coordinator.send(late);
    assertThat(jobResults.isEmpty()).isTrue();
  }
}
