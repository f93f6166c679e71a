package io.bramble.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.persistence.InMemoryPersister;
import io.bramble.core.persistence.PersistedState;
import io.bramble.core.persistence.Status;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The worker's per-task pipeline with in-memory parts: no broker, the checkpoints in an {@link
 * InMemoryPersister}.
 */
class TaskRunnerTest {
  /** How often each action ran. */
  private final Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();

  /** While set, {@code check} fails. */
  private final AtomicBoolean checkFails = new AtomicBoolean();

  private final InMemoryPersister checkpoints = new InMemoryPersister();

  /**
   * {@code count} three times, then {@code check}, then {@code squares} (one child per x), then
   * {@code total}.
   */
  private Graph counterGraph() {
    Action count =
        Action.builder("count")
            .reads("count")
            .writes("count")
            .update(
                (s, in) -> {
                  runs.computeIfAbsent("count", k -> new AtomicInteger()).incrementAndGet();
                  return s.increment("count");
                });
    Action check =
        Action.builder("check")
            .reads("count")
            .writes("checked")
            .update(
                (s, in) -> {
                  runs.computeIfAbsent("check", k -> new AtomicInteger()).incrementAndGet();
                  if (checkFails.get()) {
                    throw new IllegalStateException("the checker is down");
                  }
                  return s.update("checked", true);
                });
    Action square =
        Action.builder("square")
            .reads("x")
            .writes("y")
            .update((s, in) -> s.update("y", s.getLong("x") * s.getLong("x")));
    Action squares =
        MapStates.builder("squares")
            .reads("xs")
            .writes("ys")
            .subGraph(RunnableGraph.of(square))
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) -> s.update("ys", children.stream().map(c -> c.get("y")).toList()))
            .build();
    Action total =
        Action.builder("total")
            .reads("ys")
            .writes("total")
            .update(
                (s, in) -> {
                  runs.computeIfAbsent("total", k -> new AtomicInteger()).incrementAndGet();
                  return s.update(
                      "total", s.<Long>getList("ys").stream().mapToLong(Long::longValue).sum());
                });
    return Graph.builder()
        .withActions(count, check, squares, total)
        .withTransition("count", "count", Condition.expr("count < 3"))
        .withTransition("count", "check")
        .withTransition("check", "squares")
        .withTransition("squares", "total")
        .build();
  }

  private final GraphRegistry registry =
      GraphRegistry.of(
          new GraphProvider() {
            private final Graph graph = counterGraph();

            @Override
            public String name() {
              return "counter";
            }

            @Override
            public Graph graph() {
              return graph;
            }

            @Override
            public String entrypoint() {
              return "count";
            }
          });
  private final TaskRunner runner = new TaskRunner(registry);

  private static Task task(String position, long sequenceId, State state) {
    return Task.newBuilder()
        .setTaskId("app-1@" + sequenceId)
        .setAppId("app-1")
        .setGraph("counter")
        .setGraphVersion("1")
        .setRootAppId("app-1")
        .setPosition(position)
        .setSequenceId(sequenceId)
        .setState(StateCodec.toAvro(state))
        .setInputs(StateCodec.fromMap(Map.of()))
        .build();
  }

  private int runsOf(String action) {
    return runs.getOrDefault(action, new AtomicInteger()).get();
  }

  @Test
  void aTaskRunsFromItsPositionAndStepAndCheckpointsEveryStep() {
    TaskOutcome outcome =
        runner.run(task("total", 7, State.of("ys", List.of(1L, 4L))), checkpoints);

    TaskResult result = ((TaskOutcome.Finished) outcome).result();
    assertThat(result.getStatus()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(result.getSequenceId()).isEqualTo(7);
    assertThat(result.getLastAction()).isEqualTo("total");
    assertThat(StateCodec.toState(result.getState()).getLong("total")).isEqualTo(5L);
    assertThat(outcome).extracting(o -> ((TaskOutcome.Finished) o).key()).isEqualTo("app-1");
    PersistedState saved = checkpoints.load(null, "app-1").orElseThrow();
    assertThat(saved.sequenceId()).isEqualTo(7);
    assertThat(saved.status()).isEqualTo(Status.COMPLETED);
  }

  @Test
  void aRootThatEndsCarriesItsJobsResultCountingItsChildrensSteps() {
    Task last =
        Task.newBuilder(task("total", 7, State.of("ys", List.of(1L, 4L))))
            .setChildSteps(12)
            .setRequestedAtMs(1_234)
            .build();

    TaskOutcome.Finished done = (TaskOutcome.Finished) runner.run(last, checkpoints);

    assertThat(done.result().getJobResultWritten()).isTrue();
    JobResult job = done.jobResult();
    assertThat(job.getAppId()).isEqualTo("app-1");
    assertThat(job.getGraph()).isEqualTo("counter");
    assertThat(job.getStatus()).isEqualTo(JobStatus.COMPLETED);
    assertThat(job.getSteps()).as("steps 0..7 of the root, and its children's").isEqualTo(8 + 12);
    assertThat(job.getSubmittedAtMs()).isEqualTo(1_234);
    assertThat(StateCodec.toState(job.getState()).getLong("total")).isEqualTo(5L);
  }

  @Test
  void aParallelStepStopsTheTaskAndMapsItsChildrenForTheCoordinator() {
    TaskOutcome outcome =
        runner.run(task("count", 0, State.of("count", 0L, "xs", List.of(2L, 3L))), checkpoints);

    FanOut fanOut = ((TaskOutcome.FannedOut) outcome).fanOut();
    assertThat(fanOut.getParallelAction()).isEqualTo("squares");
    assertThat(fanOut.getParentSequenceId()).as("count ×3, check: squares is step 4").isEqualTo(4);
    assertThat(fanOut.getJoinId()).isEqualTo("app-1@4");
    assertThat(StateCodec.toState(fanOut.getParentState()).get("checked")).isEqualTo(true);
    List<Task> children = fanOut.getChildren();
    assertThat(children)
        .extracting(c -> StateCodec.toState(c.getState()).getLong("x"))
        .containsExactly(2L, 3L);
    assertThat(children).extracting(c -> c.getParent().getChildIndex()).containsExactly(0, 1);
    assertThat(children)
        .allSatisfy(
            c -> {
              assertThat(c.getParent().getJoinId()).isEqualTo("app-1@4");
              assertThat(c.getParent().getChildCount()).isEqualTo(2);
              assertThat(c.getRootAppId()).isEqualTo("app-1");
              assertThat(c.getSubGraph()).isEqualTo("squares/0");
              assertThat(c.getPosition()).isEqualTo("square");
            });
    assertThat(runsOf("count")).isEqualTo(3);
  }

  @Test
  void aChildTaskRunsItsSubGraphAndReportsToItsParent() {
    Task child =
        ((TaskOutcome.FannedOut)
                runner.run(task("count", 0, State.of("count", 0L, "xs", List.of(5L))), checkpoints))
            .fanOut()
            .getChildren()
            .get(0);

    TaskOutcome.Finished done = (TaskOutcome.Finished) runner.run(child, checkpoints);
    assertThat(done.key()).as("results travel under the parent's app id").isEqualTo("app-1");
    assertThat(done.jobResult()).as("a child ends no job").isNull();
    assertThat(done.result().getJobResultWritten()).isFalse();
    assertThat(done.result().getParent().getChildIndex()).isZero();
    assertThat(StateCodec.toState(done.result().getState()).getLong("y")).isEqualTo(25L);
  }

  @Test
  void aRedeliveredTaskResumesFromItsCheckpointAndRunsNoStepTwice() {
    Task root = task("count", 0, State.of("count", 0L, "xs", List.of(1L)));
    checkFails.set(true);
    TaskResult failed = ((TaskOutcome.Finished) runner.run(root, checkpoints)).result();
    assertThat(failed.getStatus()).isEqualTo(ResultStatus.FAILED);

    checkFails.set(false);
    TaskOutcome again = runner.run(root, checkpoints); // the same task, delivered again

    assertThat(again).isInstanceOf(TaskOutcome.FannedOut.class);
    assertThat(runsOf("count")).as("the completed steps are not run again").isEqualTo(3);
    assertThat(runsOf("check")).as("the failed step is run again").isEqualTo(2);
  }

  @Test
  void aTaskThatAlreadyCompletedReEmitsItsResultWithoutRunning() {
    Task last = task("total", 7, State.of("ys", List.of(3L)));
    TaskResult first = ((TaskOutcome.Finished) runner.run(last, checkpoints)).result();

    TaskResult second = ((TaskOutcome.Finished) runner.run(last, checkpoints)).result();

    assertThat(second.getStatus()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(second.getState()).isEqualTo(first.getState());
    assertThat(second.getSequenceId()).isEqualTo(first.getSequenceId());
    assertThat(runsOf("total")).as("total ran once, for the first delivery").isEqualTo(1);
  }

  @Test
  void aFailingStepGivesAFailedResultNamingTheActionAndKeepsThePreStepCheckpoint() {
    checkFails.set(true);
    TaskOutcome.Finished done =
        (TaskOutcome.Finished) runner.run(task("check", 3, State.of("count", 3L)), checkpoints);
    TaskResult result = done.result();

    assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(done.jobResult().getStatus()).isEqualTo(JobStatus.FAILED);
    assertThat(done.jobResult().getError().getMessage()).contains("the checker is down");
    assertThat(result.getError().getAction()).isEqualTo("check");
    assertThat(result.getError().getMessage()).contains("the checker is down");
    PersistedState saved = checkpoints.load(null, "app-1").orElseThrow();
    assertThat(saved.status()).isEqualTo(Status.FAILED);
    assertThat(saved.position()).isEqualTo("check");
    assertThat(saved.sequenceId()).isEqualTo(3);
  }

  @Test
  void aTaskForAGraphThisWorkerDoesNotHaveFailsNamingIt() {
    Task unknown = Task.newBuilder(task("count", 0, State.empty())).setGraph("nope").build();

    TaskResult result = ((TaskOutcome.Finished) runner.run(unknown, checkpoints)).result();

    assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(result.getError().getMessage()).contains("unknown graph 'nope'");
  }
}
