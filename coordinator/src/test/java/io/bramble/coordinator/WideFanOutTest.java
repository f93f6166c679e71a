package io.bramble.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.persistence.InMemoryPersister;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.Topics;
import io.bramble.runtime.values.ValueStoreConfig;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.JoinedPage;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.schemas.serde.BrambleSerdes;
import io.bramble.worker.FanOutPages;
import io.bramble.worker.TaskOutcome;
import io.bramble.worker.TaskRunner;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A fan-out wider than one record: the worker sends it in pages, the coordinator publishes every
 * child once, and the join's outcomes go to the reduce in pages of the joined topic; no record
 * grows with the number of children, and a completed job leaves no page behind.
 */
class WideFanOutTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final int CHILDREN = 8_000;

  @TempDir Path stateDir;

  private final Topics topics = Topics.defaults();
  private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
  private final GraphRegistry graphs =
      GraphRegistry.of(
          JoinGraphs.provider("sums", JoinGraphs.sumOfSquares(), "squares"),
          JoinGraphs.provider("budgeted", budgeted(), "squares"));
  private final InMemoryPersister checkpoints = new InMemoryPersister();
  private CoordinatorDriver coordinator;
  private TaskRunner worker;
  private TestOutputTopic<String, Task> tasks;
  private JobResultsTopic jobResults;

  /** Squares of xs, at most 100 children at once. */
  static Graph budgeted() {
    return Graph.builder()
        .withActions(
            MapStates.builder("squares")
                .reads("xs")
                .writes("ys")
                .subGraph(RunnableGraph.of(JoinGraphs.SQUARE))
                .maxConcurrency(100)
                .states(
                    (s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
                .reduce(
                    (s, children) ->
                        s.update("ys", children.stream().map(c -> c.get("y")).toList()))
                .build(),
            JoinGraphs.TOTAL)
        .withTransition("squares", "total")
        .build();
  }

  @BeforeEach
  void start() {
    coordinator = new CoordinatorDriver(topics, graphs, schemas, stateDir, START);
    worker =
        new TaskRunner(
            graphs, () -> {}, null, ValueStoreConfig.defaults(), coordinator.joinedPages());
    tasks = coordinator.output(topics.tasks(), Task.class);
    jobResults = coordinator.jobResults();
  }

  @AfterEach
  void stop() {
    coordinator.close();
  }

  private static List<Long> xs() {
    return LongStream.rangeClosed(1, CHILDREN).boxed().toList();
  }

  private static long sumOfSquares() {
    return LongStream.rangeClosed(1, CHILDREN).map(x -> x * x).sum();
  }

  private void submit(String graph) {
    coordinator.jobs.pipeInput(
        "job",
        JobRequest.newBuilder()
            .setAppId("job")
            .setGraph(graph)
            .setState(StateCodec.toAvro(State.of("xs", xs())))
            .setInputs(StateCodec.fromMap(Map.of()))
            .setSubmittedAtMs(START.toEpochMilli())
            .build());
  }

  private int bytes(Task task) {
    Serializer<Task> serializer = BrambleSerdes.forType(Task.class, schemas).serializer();
    return serializer.serialize(topics.tasks(), task).length;
  }

  @Test
  void aFanOutTooWideForOneRecordRunsEveryChildOnceAndItsReduceReadsTheOutcomesInPages() {
    submit("sums");
    FanOut fanOut = ((TaskOutcome.FannedOut) worker.run(tasks.readValue(), checkpoints)).fanOut();
    List<FanOutPages.Page> pages = coordinator.fanOutPages(fanOut);
    assertThat(pages).as("the fan-out as several records").hasSizeGreaterThan(2);
    assertThat(pages).allSatisfy(p -> assertThat(p.bytes()).hasSizeLessThan(512 * 1024));
    for (FanOutPages.Page page : pages) {
      coordinator.fanouts.pipeInput("job", page.fanOut());
    }
    // The worker's transaction delivered again, after a crash: nothing is published twice.
    for (FanOutPages.Page page : pages) {
      coordinator.fanouts.pipeInput("job", page.fanOut());
    }

    List<Task> children = tasks.readValuesToList();
    assertThat(children).hasSize(CHILDREN);
    assertThat(children.stream().map(c -> c.getParent().getChildIndex()).distinct().count())
        .isEqualTo(CHILDREN);
    for (Task child : children) {
      coordinator.send(worker.run(child, checkpoints));
    }

    List<Task> reduces = tasks.readValuesToList();
    assertThat(reduces).hasSize(1);
    Task reduce = reduces.get(0);
    assertThat(reduce.getJoined().getOutcomes()).isEmpty();
    assertThat(reduce.getJoined().getPages().getCount()).isGreaterThan(1);
    assertThat(bytes(reduce) - bytes(Task.newBuilder(reduce).setJoined(null).build()))
        .as("what the task that reduces the join adds to the parent's state: no outcome")
        .isLessThan(1_000);
    Map<String, JoinedPage> joined = Map.copyOf(coordinator.joinedTopic());
    assertThat(joined).hasSize(reduce.getJoined().getPages().getCount());

    coordinator.send(worker.run(reduce, checkpoints));
    JobResult result = jobResults.readValue();
    assertThat(result.getStatus()).isEqualTo(JobStatus.COMPLETED);
    assertThat(StateCodec.toState(result.getState()).getLong("total")).isEqualTo(sumOfSquares());
    assertThat(result.getSteps())
        .as("the root's two steps and one per child")
        .isEqualTo(2 + CHILDREN);

    assertThat(coordinator.joinedTopic())
        .as("the job completed: its pages removed")
        .containsOnlyKeys(joined.keySet())
        .allSatisfy((key, page) -> assertThat(page).as(key).isNull());
    Set<String> removed = new HashSet<>();
    coordinator
        .output(topics.checkpoints(), Checkpoint.class)
        .readKeyValuesToList()
        .forEach(kv -> removed.add(kv.key));
    assertThat(removed).as("every child's checkpoint removed").hasSize(CHILDREN + 1);
  }

  @Test
  void aBudgetHoldsOverAFanOutThatArrivesInPages() {
    submit("budgeted");
    coordinator.send(worker.run(tasks.readValue(), checkpoints));

    List<Task> out = new ArrayList<>(tasks.readValuesToList());
    assertThat(out).hasSize(100);
    List<Task> reduces = new ArrayList<>();
    Set<Integer> released = new HashSet<>();
    while (!out.isEmpty()) {
      Task child = out.remove(0);
      assertThat(released.add(child.getParent().getChildIndex())).isTrue();
      coordinator.send(worker.run(child, checkpoints));
      for (Task t : tasks.readValuesToList()) {
        (t.getJoined() == null ? out : reduces).add(t);
      }
      assertThat(out.size()).as("children out, not yet reported").isLessThanOrEqualTo(100);
    }
    assertThat(released).hasSize(CHILDREN);
    assertThat(reduces).hasSize(1);
    coordinator.send(worker.run(reduces.get(0), checkpoints));
    JobResult result = jobResults.readValue();
    assertThat(result.getStatus()).isEqualTo(JobStatus.COMPLETED);
    assertThat(StateCodec.toState(result.getState()).getLong("total")).isEqualTo(sumOfSquares());
  }
}
