package io.bramble.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.action.Action;
import io.bramble.core.action.RetryPolicy;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.persistence.InMemoryPersister;
import io.bramble.core.persistence.PersistedState;
import io.bramble.core.persistence.Status;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.Records;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A join's reduce runs on a worker, as a step of its parent: the coordinator hands over the
 * children's outcomes in a task ({@link Records#reduceTask}), and the worker reduces and continues
 * the parent in the same task. In-memory parts: no broker.
 */
class ReduceOnWorkerTest {
  private final AtomicInteger reduces = new AtomicInteger();

  /** How many more reduces fail before one succeeds. */
  private final AtomicInteger reduceFailures = new AtomicInteger();

  private final InMemoryPersister checkpoints = new InMemoryPersister();

  private static final Action SQUARE =
      Action.builder("square")
          .reads("x")
          .writes("y")
          .update(
              (s, in) -> {
                long x = s.getLong("x");
                if (x < 0) {
                  throw new IllegalArgumentException("cannot square a negative x: " + x);
                }
                return s.update("y", x * x);
              });

  private static final Action TOTAL =
      Action.builder("total")
          .reads("ys")
          .writes("total")
          .update(
              (s, in) ->
                  s.update(
                      "total", s.<Long>getList("ys").stream().mapToLong(Long::longValue).sum()));

  /** squares (one child per x; its reduce counted, failing while told to) → total. */
  private Graph sums(RetryPolicy reduceRetry) {
    Action squares =
        MapStates.builder("squares")
            .reads("xs")
            .writes("ys")
            .subGraph(RunnableGraph.of(SQUARE))
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) -> {
                  reduces.incrementAndGet();
                  if (reduceFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                    throw new IllegalStateException("the model that merges the drafts is down");
                  }
                  return s.update("ys", children.stream().map(c -> c.get("y")).toList());
                })
            .retry(reduceRetry)
            .build();
    return Graph.builder().withActions(squares, TOTAL).withTransition("squares", "total").build();
  }

  private GraphRegistry registry(RetryPolicy reduceRetry) {
    Graph graph = sums(reduceRetry);
    return GraphRegistry.of(
        new GraphProvider() {
          @Override
          public String name() {
            return "sums";
          }

          @Override
          public Graph graph() {
            return graph;
          }

          @Override
          public String entrypoint() {
            return "squares";
          }

          @Override
          public State defaultState() {
            return State.of("xs", List.of(1L, 2L), "unit", "m");
          }
        });
  }

  private final TaskRunner runner = new TaskRunner(registry(RetryPolicy.none()));

  /** A job's first task, as the coordinator publishes it: no entrypoint, the state as given. */
  private static Task jobStart(State given) {
    return Task.newBuilder()
        .setTaskId("job-1@0")
        .setAppId("job-1")
        .setGraph("sums")
        .setRootAppId("job-1")
        .setPosition(null)
        .setSequenceId(0)
        .setState(StateCodec.toAvro(given))
        .setInputs(StateCodec.fromMap(Map.of()))
        .build();
  }

  /**
   * Runs the job's root to its fan-out, then each child; returns the task that reduces the join.
   */
  private Task reduceTask(TaskRunner runner, List<Long> xs) {
    FanOut fanOut =
        ((TaskOutcome.FannedOut) runner.run(jobStart(State.of("xs", xs)), checkpoints)).fanOut();
    List<TaskResult> results = new ArrayList<>();
    for (Task child : fanOut.getChildren()) {
      results.add(((TaskOutcome.Finished) runner.run(child, checkpoints)).result());
    }
    FanOut join = FanOut.newBuilder(fanOut).setChildren(List.of()).build();
    return Records.reduceTask(
        join,
        results.stream().map(Records::outcome).toList(),
        null,
        fanOut.getChildren().size(),
        0L);
  }

  private static TaskResult resultOf(TaskOutcome outcome) {
    return ((TaskOutcome.Finished) outcome).result();
  }

  @Test
  void theReduceRunsOnTheWorkerAsAStepAndTheParentContinuesInTheSameTask() {
    Task reduce = reduceTask(runner, List.of(1L, 2L, 3L));
    assertThat(reduce.getPosition()).isEqualTo("squares");
    assertThat(reduce.getSequenceId()).isZero();
    assertThat(reduce.getPool()).isEqualTo("default");

    TaskResult result = resultOf(runner.run(reduce, checkpoints));

    assertThat(result.getStatus()).isEqualTo(ResultStatus.COMPLETED);
    State end = StateCodec.toState(result.getState());
    assertThat(end.<Long>getList("ys")).as("in task order").containsExactly(1L, 4L, 9L);
    assertThat(end.getLong("total")).as("total ran in the same task").isEqualTo(14L);
    assertThat(result.getSequenceId()).isEqualTo(1);
    assertThat(reduces).hasValue(1);
    PersistedState saved = checkpoints.load(null, "job-1").orElseThrow();
    assertThat(saved.sequenceId()).isEqualTo(1);
    assertThat(saved.position()).isEqualTo("total");
  }

  @Test
  void aReduceTaskDeliveredAgainAfterItsStepIsCheckpointedDoesNotReduceAgain() {
    Task reduce = reduceTask(runner, List.of(2L, 3L));
    TaskResult first = resultOf(runner.run(reduce, checkpoints));

    TaskResult again = resultOf(runner.run(reduce, checkpoints)); // a worker died before its commit

    assertThat(again.getState()).isEqualTo(first.getState());
    assertThat(reduces).as("the reduce ran once").hasValue(1);
  }

  @Test
  void aReduceThatFailedRunsAgainFromItsChildrenWhenItsTaskIsDeliveredAgain() {
    Task reduce = reduceTask(runner, List.of(2L, 3L));
    reduceFailures.set(1);
    TaskResult failed = resultOf(runner.run(reduce, checkpoints));
    assertThat(failed.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(failed.getError().getMessage()).contains("the model that merges the drafts is down");
    PersistedState saved = checkpoints.load(null, "job-1").orElseThrow();
    assertThat(saved.status()).isEqualTo(Status.FAILED);
    assertThat(saved.position()).isEqualTo("squares");

    TaskOutcome again = runner.run(reduce, checkpoints);

    assertThat(again)
        .as("a reduce again, not a second fan-out")
        .isInstanceOf(TaskOutcome.Finished.class);
    assertThat(StateCodec.toState(resultOf(again).getState()).getLong("total")).isEqualTo(13L);
    assertThat(reduces).hasValue(2);
  }

  @Test
  void aFailingReduceIsRetriedAsItsActionsRetryPolicySays() {
    TaskRunner retrying =
        new TaskRunner(registry(RetryPolicy.attempts(3).backoff(Duration.ZERO, 1, Duration.ZERO)));
    Task reduce = reduceTask(retrying, List.of(4L));
    reduceFailures.set(2);

    TaskResult result = resultOf(retrying.run(reduce, checkpoints));

    assertThat(result.getStatus()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(StateCodec.toState(result.getState()).getLong("total")).isEqualTo(16L);
    assertThat(reduces).as("two failed tries, then one that succeeded").hasValue(3);
  }

  @Test
  void aFailedChildFailsTheReduceStepWithTheChildsError() {
    Task reduce = reduceTask(runner, List.of(2L, -1L));

    TaskResult result = resultOf(runner.run(reduce, checkpoints));

    assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(result.getError().getMessage()).contains("cannot square a negative x: -1");
    assertThat(reduces).as("no reduce over a failed child").hasValue(0);
  }

  @Test
  void aJobsFirstTaskTakesItsGraphsEntrypointAndDefaultStateOnTheWorker() {
    FanOut fanOut =
        ((TaskOutcome.FannedOut) runner.run(jobStart(State.of("unit", "km")), checkpoints))
            .fanOut();

    assertThat(fanOut.getParallelAction()).as("the provider's entrypoint").isEqualTo("squares");
    State parent = StateCodec.toState(fanOut.getParentState());
    assertThat(parent.<Long>getList("xs")).as("from the default state").containsExactly(1L, 2L);
    assertThat(parent.getString("unit")).as("the submitted state wins").isEqualTo("km");
    assertThat(fanOut.getReducePool()).isEqualTo("default");
  }

  @Test
  void aJobStartingAtAnActionItsGraphLacksFailsNamingTheJobAndTheAction() {
    Task start = Task.newBuilder(jobStart(State.empty())).setPosition("sqaures").build();

    TaskResult result = resultOf(runner.run(start, checkpoints));

    assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(result.getError().getMessage())
        .contains("job job-1 of graph 'sums'")
        .contains("unknown action 'sqaures'");
  }

  @Test
  void aJobWithoutAnInputItsFirstActionRequiresFailsNamingTheInput() {
    GraphRegistry registry = greetRegistry();
    Task start = Task.newBuilder(jobStart(State.empty())).setGraph("greet").build();

    TaskResult result = resultOf(new TaskRunner(registry).run(start, checkpoints));

    assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(result.getError().getMessage())
        .contains("job job-1 of graph 'greet'")
        .contains("action 'greet' requires input 'name', which the job does not give");
  }

  @Test
  void aJobWithAnInputNoActionTakesFailsNamingTheInputAndThoseTaken() {
    GraphRegistry registry = greetRegistry();
    Task start =
        Task.newBuilder(jobStart(State.empty()))
            .setGraph("greet")
            .setInputs(StateCodec.toAvro(State.of("name", "Ada", "nmae", "Ada")))
            .build();

    TaskResult result = resultOf(new TaskRunner(registry).run(start, checkpoints));

    assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(result.getError().getMessage())
        .contains("job job-1 of graph 'greet'")
        .contains("input 'nmae' is taken by no action from 'greet' on (they take: [name]");
  }

  @Test
  void aJobWhoseHaltNamesNoActionFailsNamingTheHalt() {
    Task start = Task.newBuilder(jobStart(State.empty())).setPauseBefore(List.of("totl")).build();

    TaskResult result = resultOf(runner.run(start, checkpoints));

    assertThat(result.getStatus()).isEqualTo(ResultStatus.FAILED);
    assertThat(result.getError().getMessage()).contains("halt before names 'totl'");
  }

  /** One action, greet, that requires input name. */
  private static GraphRegistry greetRegistry() {
    return GraphRegistry.of(
        GraphProvider.of(
            "greet",
            Graph.builder()
                .withActions(
                    Action.builder("greet")
                        .writes("greeting")
                        .inputs("name")
                        .update((s, in) -> s.update("greeting", "hello " + in.get("name"))))
                .build(),
            "greet"));
  }
}
