package io.bramble.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

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
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.worker.TaskOutcome;
import io.bramble.worker.TaskRunner;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A parallel action's {@code maxConcurrency} in the coordinator, on {@link
 * org.apache.kafka.streams.TopologyTestDriver}: the join releases its first children and the next
 * one per result, never more, however results arrive.
 */
class JoinBudgetTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path stateDir;

  private final Topics topics = Topics.defaults();
  private final GraphRegistry graphs =
      GraphRegistry.of(JoinGraphs.provider("budgeted", budgeted(), "squares"));
  private final TaskRunner worker = new TaskRunner(graphs);
  private final InMemoryPersister checkpoints = new InMemoryPersister();
  private CoordinatorDriver coordinator;
  private TestOutputTopic<String, Task> tasks;
  private JobResultsTopic jobResults;

  /** One child per x, at most two at once; the reduce lists the squares in task order. */
  static Graph budgeted() {
    return Graph.builder()
        .withActions(
            MapStates.builder("squares")
                .reads("xs")
                .writes("ys")
                .subGraph(RunnableGraph.of(JoinGraphs.SQUARE))
                .maxConcurrency(2)
                .states(
                    (s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
                .reduce(
                    (s, children) ->
                        s.update("ys", children.stream().map(c -> c.get("y")).toList()))
                .build())
        .build();
  }

  @BeforeEach
  void start() {
    coordinator =
        new CoordinatorDriver(topics, graphs, new InMemorySchemaRegistry(), stateDir, START);
    tasks = coordinator.output(topics.tasks(), Task.class);
    jobResults = coordinator.jobResults();
  }

  @AfterEach
  void stop() {
    coordinator.close();
  }

  @Test
  void atMostTwoChildTasksAreOutAtOnceAndEachResultLetsTheNextOneOut() {
    List<Long> xs = LongStream.rangeClosed(1, 5).boxed().toList();
    coordinator.jobs.pipeInput(
        "job",
        JobRequest.newBuilder()
            .setAppId("job")
            .setGraph("budgeted")
            .setState(StateCodec.toAvro(State.of("xs", xs)))
            .setInputs(StateCodec.fromMap(Map.of()))
            .setSubmittedAtMs(START.toEpochMilli())
            .build());
    coordinator.send(worker.run(tasks.readValue(), checkpoints)); // the root fans out

    List<Task> out = new ArrayList<>(tasks.readValuesToList());
    assertThat(out).hasSize(2);
    List<Long> released = new ArrayList<>();
    List<Task> reduces = new ArrayList<>();
    while (!out.isEmpty()) {
      // The last one out reports first: order does not matter to the budget.
      Task child = out.remove(out.size() - 1);
      released.add((long) child.getParent().getChildIndex());
      TaskOutcome result = worker.run(child, checkpoints);
      coordinator.send(result);
      coordinator.send(result); // delivered twice: it lets no second child out
      List<Task> next = new ArrayList<>();
      for (Task t : tasks.readValuesToList()) {
        (t.getJoined() == null ? next : reduces).add(t);
      }
      assertThat(out.size() + next.size())
          .as("children out, not yet reported")
          .isLessThanOrEqualTo(2);
      out.addAll(next);
    }

    assertThat(released).containsExactlyInAnyOrder(0L, 1L, 2L, 3L, 4L);
    assertThat(reduces).as("the join, reduced once on a worker").hasSize(1);
    coordinator.send(worker.run(reduces.get(0), checkpoints));
    JobResult result = jobResults.readValue();
    assertThat(result.getStatus()).isEqualTo(JobStatus.COMPLETED);
    assertThat(StateCodec.toState(result.getState()).<Long>getList("ys"))
        .containsExactly(1L, 4L, 9L, 16L, 25L);
  }
}
