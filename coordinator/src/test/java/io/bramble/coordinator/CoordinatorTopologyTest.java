package io.bramble.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.persistence.InMemoryPersister;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.DeadLetters;
import io.bramble.runtime.Errors;
import io.bramble.runtime.Records;
import io.bramble.runtime.Topics;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.AppStatus;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.avro.WaitingApp;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.worker.TaskOutcome;
import io.bramble.worker.TaskRunner;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.LongStream;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The coordinator's rules, on Kafka's own {@link TopologyTestDriver}: no broker. The test plays the
 * workers with the worker's real {@link TaskRunner} over an in-memory persister, and pipes what the
 * runner produced (fan-outs, results) back in, in whatever order a scenario needs.
 */
class CoordinatorTopologyTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path stateDir;

  private final Topics topics = Topics.defaults();
  private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
  private final AtomicBoolean serviceDown = new AtomicBoolean();
  private final GraphRegistry graphs =
      GraphRegistry.of(
          JoinGraphs.provider("sums", JoinGraphs.sumOfSquares(), "squares"),
          JoinGraphs.provider("flaky", JoinGraphs.flakySumOfSquares(serviceDown), "squares"),
          JoinGraphs.provider("nested", JoinGraphs.nested(), "groups"),
          JoinGraphs.provider("reviews", JoinGraphs.reviews(), "reviews"));
  private final TaskRunner worker = new TaskRunner(graphs);
  private final InMemoryPersister checkpointStore = new InMemoryPersister();

  private CoordinatorDriver coordinator;
  private TopologyTestDriver driver;
  private TestInputTopic<String, SpecificRecord> jobs;
  private TestInputTopic<String, SpecificRecord> fanouts;
  private TestInputTopic<String, SpecificRecord> results;
  private TestOutputTopic<String, Task> tasks;
  private TestOutputTopic<String, TaskResult> resultsOut;
  private JobResultsTopic jobResults;
  private TestOutputTopic<String, TrackingEvent> events;
  private TestOutputTopic<String, byte[]> dlq;
  private TestOutputTopic<String, byte[]> checkpoints;

  @BeforeEach
  void start() {
    coordinator = new CoordinatorDriver(topics, graphs, schemas, stateDir, START);
    driver = coordinator.driver;
    jobs = coordinator.jobs;
    fanouts = coordinator.fanouts;
    results = coordinator.results;
    tasks = coordinator.output(topics.tasks(), Task.class);
    resultsOut = coordinator.output(topics.results(), TaskResult.class);
    jobResults = coordinator.jobResults();
    events = coordinator.output(topics.events(), TrackingEvent.class);
    dlq =
        driver.createOutputTopic(
            topics.dlq(), new StringDeserializer(), new ByteArrayDeserializer());
    checkpoints =
        driver.createOutputTopic(
            topics.checkpoints(), new StringDeserializer(), new ByteArrayDeserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  private static JobRequest job(String appId, String graph, State state) {
    return JobRequest.newBuilder()
        .setAppId(appId)
        .setGraph(graph)
        .setState(StateCodec.toAvro(state))
        .setInputs(StateCodec.fromMap(Map.of()))
        .setSubmittedAtMs(START.toEpochMilli())
        .build();
  }

  /** Runs {@code task} as a worker would; the outcome is not yet sent to the coordinator. */
  private TaskOutcome work(Task task) {
    return worker.run(task, checkpointStore);
  }

  /** Sends an outcome as a worker's pipeline does (a halted child also under its own id). */
  private void send(TaskOutcome outcome) {
    coordinator.send(outcome);
  }

  private static JobRequest resume(String appId, String requestId, Map<String, Object> inputs) {
    return JobRequest.newBuilder()
        .setAppId(appId)
        .setGraph("")
        .setInputs(StateCodec.fromMap(inputs))
        .setResume(true)
        .setRequestId(requestId)
        .setSubmittedAtMs(START.toEpochMilli() + 1_000)
        .build();
  }

  /** The job result published last; a resume's tombstone of the halted one before it is skipped. */
  private JobResult latestJobResult() {
    List<JobResult> all =
        jobResults.readValuesToList().stream().filter(java.util.Objects::nonNull).toList();
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  private List<TrackingEvent> eventsOf(EventKind kind) {
    return events.readValuesToList().stream().filter(e -> e.getKind() == kind).toList();
  }

  /**
   * Plays the workers until no task is left: every task the coordinator published is run and
   * reported.
   */
  private void runToTheEnd() {
    while (!tasks.isEmpty()) {
      send(work(tasks.readValue()));
    }
  }

  private List<TaskResult> resultsOf(List<Task> children) {
    List<TaskResult> list = new ArrayList<>();
    for (Task child : children) {
      list.add(((TaskOutcome.Finished) work(child)).result());
    }
    return list;
  }

  /**
   * Submits a sums job over {@code xs} and runs its root task to the fan-out; returns the child
   * tasks.
   */
  private List<Task> fannedOut(String appId, List<Long> xs) {
    jobs.pipeInput(appId, job(appId, "sums", State.of("xs", xs)));
    send(work(tasks.readValue()));
    return tasks.readValuesToList();
  }

  private JobResult theOnlyJobResult() {
    List<JobResult> all = jobResults.readValuesToList();
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  @Test
  void aJobBecomesOneRootTaskWithItsStateForAWorkerOfTheDefaultPool() {
    jobs.pipeInput("job-1", job("job-1", "sums", State.of("xs", List.of(1L, 2L))));

    List<Task> published = tasks.readValuesToList();
    assertThat(published).hasSize(1);
    Task root = published.get(0);
    assertThat(root.getAppId()).isEqualTo("job-1");
    assertThat(root.getTaskId()).isEqualTo("job-1@0");
    assertThat(root.getPosition()).as("the graph's entrypoint: the worker knows it").isNull();
    assertThat(root.getPool()).isEqualTo("default");
    assertThat(root.getSequenceId()).isZero();
    assertThat(root.getParent()).isNull();
    assertThat(StateCodec.toState(root.getState()).<Long>getList("xs")).containsExactly(1L, 2L);
    assertThat(events.readValuesToList())
        .extracting(TrackingEvent::getKind)
        .containsExactly(EventKind.APP_CREATED);
  }

  @Test
  void aSecondJobWithAnIdAlreadySeenIsIgnored() {
    jobs.pipeInput("job-1", job("job-1", "sums", State.of("xs", List.of(1L))));
    jobs.pipeInput("job-1", job("job-1", "sums", State.of("xs", List.of(5L, 6L))));

    List<Task> published = tasks.readValuesToList();
    assertThat(published).hasSize(1);
    assertThat(StateCodec.toState(published.get(0).getState()).<Long>getList("xs"))
        .containsExactly(1L);
  }

  @Test
  void aJobNamingAnUnknownGraphFailsOnTheWorkerThatStartsItNamingIt() {
    jobs.pipeInput("job-1", job("job-1", "nope", State.empty()));
    runToTheEnd();

    JobResult result = theOnlyJobResult();
    assertThat(result.getStatus()).isEqualTo(JobStatus.FAILED);
    assertThat(result.getError().getMessage()).contains("unknown graph 'nope'");
    assertThat(result.getGraph()).isEqualTo("nope");
    assertThat(eventsOf(EventKind.JOB_DONE))
        .singleElement()
        .satisfies(e -> assertThat(e.getError().getMessage()).contains("unknown graph 'nope'"));
  }

  @Test
  void aJobWhoseStateHoldsAnInternalKeyIsRefusedBeforeAnyTask() {
    jobs.pipeInput(
        "job-1",
        JobRequest.newBuilder(job("job-1", "sums", State.empty()))
            .setState(StateCodec.fromMap(Map.of("__SEQUENCE_ID", 3L)))
            .build());

    assertThat(tasks.isEmpty()).isTrue();
    JobResult result = theOnlyJobResult();
    assertThat(result.getStatus()).isEqualTo(JobStatus.FAILED);
    assertThat(result.getError().getMessage()).contains("job state key '__SEQUENCE_ID'");
  }

  @Test
  void aFanOutPublishesEachChildTaskOnceAndARepeatedFanOutIsIgnored() {
    jobs.pipeInput("job-1", job("job-1", "sums", State.of("xs", List.of(3L, 4L, 5L))));
    TaskOutcome.FannedOut outcome = (TaskOutcome.FannedOut) work(tasks.readValue());
    send(outcome);
    send(outcome); // a worker that crashed after sending re-runs the step and sends it again

    List<Task> children = tasks.readValuesToList();
    assertThat(children).extracting(c -> c.getParent().getChildIndex()).containsExactly(0, 1, 2);
    assertThat(children).extracting(c -> c.getParent().getJoinId()).containsOnly("job-1@0");
    assertThat(children).extracting(Task::getAppId).doesNotHaveDuplicates();
    assertThat(children)
        .extracting(c -> StateCodec.toState(c.getState()).getLong("x"))
        .containsExactly(3L, 4L, 5L);
  }

  @Test
  void resultsArrivingOutOfOrderAreReducedInTaskOrder() {
    List<TaskResult> done = resultsOf(fannedOut("job-1", List.of(1L, 2L, 3L, 4L)));
    Collections.reverse(done);
    done.forEach(r -> results.pipeInput("job-1", r));
    runToTheEnd();

    JobResult result = theOnlyJobResult();
    assertThat(result.getStatus()).isEqualTo(JobStatus.COMPLETED);
    State end = StateCodec.toState(result.getState());
    assertThat(end.<Long>getList("ys")).containsExactly(1L, 4L, 9L, 16L);
    assertThat(end.getLong("total")).isEqualTo(30L);
    assertThat(result.getSteps()).as("squares and total, and one step per child").isEqualTo(2 + 4);
  }

  @Test
  void aDuplicateResultForOneChildIndexIsCountedOnce() {
    List<TaskResult> done = resultsOf(fannedOut("job-1", List.of(2L, 3L)));
    results.pipeInput("job-1", done.get(0));
    results.pipeInput("job-1", done.get(0));

    assertThat(tasks.isEmpty()).as("the join waits for child 1").isTrue();
    List<TrackingEvent> progress =
        events.readValuesToList().stream()
            .filter(e -> e.getKind() == EventKind.JOIN_PROGRESS)
            .toList();
    assertThat(progress).hasSize(1);
    assertThat(progress.get(0).getDone()).isEqualTo(1L);
    assertThat(progress.get(0).getTotal()).isEqualTo(2L);
    assertThat(progress.get(0).getRootAppId()).isEqualTo("job-1");

    results.pipeInput("job-1", done.get(1));
    runToTheEnd();
    assertThat(StateCodec.toState(theOnlyJobResult().getState()).getLong("total")).isEqualTo(13L);
  }

  @Test
  void aLargeJoinReportsItsProgressAboutTwentyTimesAndOnceWhenReduced() {
    List<Long> items = LongStream.rangeClosed(1, 40).boxed().toList();
    List<TaskResult> done = resultsOf(fannedOut("job-1", items));
    done.forEach(r -> results.pipeInput("job-1", r));

    List<TrackingEvent> progress =
        events.readValuesToList().stream()
            .filter(e -> e.getKind() == EventKind.JOIN_PROGRESS)
            .toList();
    assertThat(progress.stream().filter(e -> !e.getReduced()).map(TrackingEvent::getDone))
        .as("every second result of 40")
        .containsExactlyElementsOf(LongStream.iterate(2, n -> n < 40, n -> n + 2).boxed().toList());
    assertThat(progress.get(progress.size() - 1).getReduced()).isTrue();
    assertThat(progress.get(progress.size() - 1).getDone()).isEqualTo(40L);
  }

  @Test
  void aJoinWithAChildTooLargeForAnyRecordFailsItsParentInsteadOfStoppingThePartition() {
    List<Task> children = fannedOut("job-1", List.of(1L, 2L, 3L, 4L));
    // A worker with a value store would keep it by reference.
    String draft = "d".repeat(1_100_000);
    for (Task child : children) {
      int index = child.getParent().getChildIndex();
      results.pipeInput(
          "job-1",
          Records.result(
              child.getAppId(),
              child.getTaskId(),
              child.getParent(),
              ResultStatus.COMPLETED,
              State.of("x", 1L, "draft", index == 2 ? draft : "short"),
              null,
              0,
              "square",
              START.toEpochMilli(),
              START.toEpochMilli()));
    }

    assertThat(tasks.isEmpty()).as("no task that could never be written").isTrue();
    List<TaskResult> parent = resultsOut.readValuesToList();
    assertThat(parent).singleElement().satisfies(r -> results.pipeInput("job-1", r));
    JobResult result = theOnlyJobResult();
    assertThat(result.getStatus()).isEqualTo(JobStatus.FAILED);
    assertThat(result.getError().getType()).isEqualTo("io.bramble.JoinTooLarge");
    assertThat(result.getError().getMessage())
        .contains("child 2 (app " + children.get(2).getAppId() + ")")
        .contains("parallel action 'squares' of app job-1")
        .contains("ended with a final state of 1100");
  }

  @Test
  void aFailedChildFailsTheJobWithTheChildsError() {
    fannedOut("job-1", List.of(2L, -1L)).forEach(child -> send(work(child)));
    runToTheEnd();

    JobResult result = theOnlyJobResult();
    assertThat(result.getStatus()).isEqualTo(JobStatus.FAILED);
    assertThat(result.getError().getMessage()).contains("cannot square a negative x: -1");
  }

  @Test
  void aFailedJobResubmittedUnderItsIdRunsAgainFromItsCheckpoints() {
    serviceDown.set(true);
    jobs.pipeInput("job-1", job("job-1", "flaky", State.of("xs", List.of(2L, 3L))));
    runToTheEnd();
    assertThat(theOnlyJobResult().getStatus()).isEqualTo(JobStatus.FAILED);

    serviceDown.set(false);
    driver.advanceWallClockTime(Duration.ofSeconds(1));
    jobs.pipeInput(
        "job-1",
        JobRequest.newBuilder(job("job-1", "flaky", State.of("xs", List.of(2L, 3L))))
            .setSubmittedAtMs(START.toEpochMilli() + 1_000)
            .build());
    runToTheEnd();

    JobResult result = theOnlyJobResult();
    assertThat(result.getStatus())
        .as("error: %s", result.getError())
        .isEqualTo(JobStatus.COMPLETED);
    assertThat(StateCodec.toState(result.getState()).getLong("total")).isEqualTo(13L);
  }

  @Test
  void aCompletedJobIsNotRunAgainWhenResubmitted() {
    jobs.pipeInput("job-1", job("job-1", "sums", State.of("xs", List.of(2L))));
    runToTheEnd();
    assertThat(theOnlyJobResult().getStatus()).isEqualTo(JobStatus.COMPLETED);

    jobs.pipeInput(
        "job-1",
        JobRequest.newBuilder(job("job-1", "sums", State.of("xs", List.of(2L))))
            .setSubmittedAtMs(START.toEpochMilli() + 1_000)
            .build());
    assertThat(tasks.isEmpty()).isTrue();
    assertThat(jobResults.isEmpty()).isTrue();
  }

  @Test
  void aCompletedJobTombstonesTheCheckpointsOfItsWholeTree() {
    List<Task> children = fannedOut("job-1", List.of(1L, 2L));
    children.forEach(child -> send(work(child)));
    runToTheEnd();
    assertThat(theOnlyJobResult().getStatus()).isEqualTo(JobStatus.COMPLETED);

    List<TestRecord<String, byte[]>> tombstones = checkpoints.readRecordsToList();
    assertThat(tombstones).allMatch(r -> r.value() == null);
    List<String> expected = new ArrayList<>(List.of("job-1"));
    children.forEach(c -> expected.add(c.getAppId()));
    assertThat(tombstones)
        .extracting(TestRecord::key)
        .containsExactlyInAnyOrderElementsOf(expected);
  }

  @Test
  void aJoinInsideAChildReducesFirstAndItsResultFillsTheOuterJoin() {
    jobs.pipeInput(
        "job-1", job("job-1", "nested", State.of("groups", List.of(List.of(1L, 2L), List.of(3L)))));
    runToTheEnd();

    JobResult result = theOnlyJobResult();
    assertThat(result.getStatus())
        .as("error: %s", result.getError())
        .isEqualTo(JobStatus.COMPLETED);
    assertThat(StateCodec.toState(result.getState()).<Long>getList("totals"))
        .containsExactly(5L, 9L);
    // root: groups; each group: squares and total; the squares' children: one step each
    assertThat(result.getSteps()).isEqualTo(1 + 2 * 2 + 3);
    // the coordinator reduced nothing itself: it wrote no result of its own
    assertThat(resultsOut.isEmpty()).isTrue();
  }

  @Test
  void aRootPausedAtAHaltIsHaltedKeepsItsCheckpointsAndItsResumeRunsOnce() {
    jobs.pipeInput(
        "job-1",
        JobRequest.newBuilder(job("job-1", "sums", State.of("xs", List.of(1L, 2L))))
            .setHaltBefore(List.of("total"))
            .build());
    runToTheEnd();

    JobResult halted = theOnlyJobResult();
    assertThat(halted.getStatus()).isEqualTo(JobStatus.HALTED);
    assertThat(halted.getNextAction()).isEqualTo("total");
    assertThat(halted.getWaiting()).containsExactly(new WaitingApp("job-1", "total", ""));
    assertThat(StateCodec.toState(halted.getState()).<Long>getList("ys")).containsExactly(1L, 4L);
    assertThat(checkpoints.readRecordsToList()).as("no tombstones: it may resume").isEmpty();
    assertThat(eventsOf(EventKind.JOB_DONE))
        .singleElement()
        .satisfies(e -> assertThat(e.getStatus()).isEqualTo(AppStatus.HALTED));

    jobs.pipeInput("job-1", resume("job-1", "r1", Map.of()));
    List<Task> resumed = tasks.readValuesToList();
    assertThat(resumed)
        .singleElement()
        .satisfies(
            t -> {
              assertThat(t.getPosition()).isEqualTo("total");
              assertThat(t.getSequenceId()).isEqualTo(halted.getSteps() - 2);
            });
    assertThat(jobResults.readKeyValuesToList())
        .as("its halted result no longer stands")
        .singleElement()
        .satisfies(r -> assertThat(r.value).isNull());
    assertThat(eventsOf(EventKind.RESUMED))
        .singleElement()
        .satisfies(e -> assertThat(e.getRequestId()).isEqualTo("r1"));

    jobs.pipeInput("job-1", resume("job-1", "r1", Map.of())); // delivered again
    assertThat(tasks.isEmpty()).as("the same resume runs once").isTrue();

    send(work(resumed.get(0)));
    JobResult done = theOnlyJobResult();
    assertThat(done.getStatus()).isEqualTo(JobStatus.COMPLETED);
    assertThat(StateCodec.toState(done.getState()).getLong("total")).isEqualTo(5L);
    assertThat(done.getSubmittedAtMs())
        .as("the resume's time")
        .isEqualTo(START.toEpochMilli() + 1_000);
  }

  @Test
  void aResumeWhoseHaltNamesNoActionOfTheGraphIsRefusedAndTheAppStaysHalted() {
    jobs.pipeInput(
        "job-1",
        JobRequest.newBuilder(job("job-1", "sums", State.of("xs", List.of(1L))))
            .setHaltBefore(List.of("total"))
            .build());
    runToTheEnd();
    assertThat(theOnlyJobResult().getStatus()).isEqualTo(JobStatus.HALTED);
    events.readValuesToList();

    // The coordinator reads no graph: the halted app's task says what a halt may name.
    jobs.pipeInput(
        "job-1",
        JobRequest.newBuilder(resume("job-1", "r1", Map.of()))
            .setHaltAfter(List.of("totl"))
            .build());

    assertThat(tasks.isEmpty()).isTrue();
    assertThat(eventsOf(EventKind.RESUME_REFUSED))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getError().getMessage())
                    .contains("halt after names 'totl'")
                    .contains("graph 'sums'")
                    .contains("[squares, total, square]"));

    jobs.pipeInput("job-1", resume("job-1", "r2", Map.of()));
    assertThat(tasks.readValuesToList())
        .singleElement()
        .extracting(Task::getPosition)
        .isEqualTo("total");
  }

  @Test
  void aResumeWithAnInputNoActionTakesIsRefusedAndTheAppStaysHalted() {
    jobs.pipeInput(
        "job-1",
        JobRequest.newBuilder(job("job-1", "sums", State.of("xs", List.of(1L))))
            .setHaltBefore(List.of("total"))
            .build());
    runToTheEnd();
    assertThat(theOnlyJobResult().getStatus()).isEqualTo(JobStatus.HALTED);
    events.readValuesToList();

    // The coordinator reads no graph: the halted app's task says which inputs its actions take.
    jobs.pipeInput("job-1", resume("job-1", "r1", Map.of("totl", 1L)));

    assertThat(tasks.isEmpty()).isTrue();
    assertThat(eventsOf(EventKind.RESUME_REFUSED))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e.getError().getMessage())
                    .isEqualTo(
                        "resume of app job-1: input 'totl' is taken by no action from 'total' on"
                            + " (they take: no inputs; is it misspelt?)"));

    jobs.pipeInput("job-1", resume("job-1", "r2", Map.of()));
    assertThat(tasks.readValuesToList())
        .singleElement()
        .extracting(Task::getPosition)
        .isEqualTo("total");
  }

  @Test
  void aResumeOfAnAppThatIsNotHaltedIsRefusedSayingWhy() {
    jobs.pipeInput("job-1", job("job-1", "sums", State.of("xs", List.of(1L))));
    runToTheEnd();
    events.readValuesToList();

    jobs.pipeInput("job-1", resume("job-1", "r1", Map.of()));
    jobs.pipeInput("ghost", resume("ghost", "r2", Map.of()));

    assertThat(tasks.isEmpty()).isTrue();
    assertThat(eventsOf(EventKind.RESUME_REFUSED))
        .extracting(e -> e.getRequestId() + ": " + e.getError().getMessage())
        .containsExactly(
            "r1: app job-1 is completed, not halted",
            "r2: no halted app has id ghost (it is unknown, or a child that is running or done)");
  }

  @Test
  void childrenThatPauseParkThemselvesAndTheJoinWaitsUntilEachIsResumed() {
    jobs.pipeInput(
        "job-1",
        JobRequest.newBuilder(job("job-1", "reviews", State.of("xs", List.of(1L, 2L, 3L))))
            .setHaltBefore(List.of("approve"))
            .build());
    send(work(tasks.readValue()));
    List<Task> children = tasks.readValuesToList();
    send(work(children.get(0)));
    assertThat(jobResults.isEmpty()).as("two children still run").isTrue();
    send(work(children.get(1)));
    send(work(children.get(2)));

    JobResult halted = theOnlyJobResult();
    assertThat(halted.getStatus()).isEqualTo(JobStatus.HALTED);
    assertThat(halted.getNextAction()).isEqualTo("reviews");
    assertThat(halted.getWaiting())
        .extracting(WaitingApp::getAppId)
        .containsExactly(
            children.get(0).getAppId(), children.get(1).getAppId(), children.get(2).getAppId());

    jobs.pipeInput(
        children.get(1).getAppId(), resume(children.get(1).getAppId(), "r1", Map.of("ok", false)));
    send(work(tasks.readValue()));
    JobResult stillWaiting = latestJobResult();
    assertThat(stillWaiting.getStatus()).isEqualTo(JobStatus.HALTED);
    assertThat(stillWaiting.getWaiting())
        .extracting(WaitingApp::getAppId)
        .containsExactly(children.get(0).getAppId(), children.get(2).getAppId());

    for (int i : List.of(2, 0)) {
      String id = children.get(i).getAppId();
      jobs.pipeInput(id, resume(id, "r-" + i, Map.of()));
      send(work(tasks.readValue()));
    }
    runToTheEnd();
    List<JobResult> last =
        jobResults.readValuesToList().stream().filter(java.util.Objects::nonNull).toList();
    assertThat(last)
        .extracting(JobResult::getStatus)
        .as("halted again while child 0 waits, then done")
        .containsExactly(JobStatus.HALTED, JobStatus.COMPLETED);
    JobResult done = last.get(1);
    assertThat(done.getStatus()).as("error %s", done.getError()).isEqualTo(JobStatus.COMPLETED);
    assertThat(StateCodec.toState(done.getState()).<Boolean>getList("approvals"))
        .containsExactly(true, false, true);
  }

  @Test
  void theWorkerThatEndsARootWritesItsJobsResultAndTheCoordinatorOnlyCleansUp() {
    List<Task> children = fannedOut("job-1", List.of(1L, 2L, 3L));
    children.forEach(child -> send(work(child)));
    Task reduce = tasks.readValue();
    assertThat(reduce.getChildSteps()).as("the children's steps, counted at the join").isEqualTo(3);
    TaskOutcome.Finished end = (TaskOutcome.Finished) work(reduce);
    assertThat(end.result().getJobResultWritten()).isTrue();
    send(end);

    assertThat(jobResults.readWritten())
        .as("written by the worker only")
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.byWorker()).isTrue();
              assertThat(w.value().getStatus()).isEqualTo(JobStatus.COMPLETED);
              assertThat(w.value().getSteps())
                  .as("squares and total, one step per child")
                  .isEqualTo(2 + 3);
              assertThat(w.value().getSubmittedAtMs()).isEqualTo(START.toEpochMilli());
            });
    assertThat(checkpoints.readRecordsToList())
        .as("the coordinator cleaned up after it")
        .extracting(TestRecord::key)
        .contains("job-1");
    assertThat(eventsOf(EventKind.JOB_DONE)).hasSize(1);
  }

  @Test
  void aRootThatRunsAgainAfterItsJobEndedLeavesTheJobsFirstOutcomeLastOnTheTopic() {
    jobs.pipeInput("job-1", job("job-1", "sums", State.of("xs", List.of(1L, 2L))));
    runToTheEnd();
    JobResult first = theOnlyJobResult();
    assertThat(first.getStatus()).isEqualTo(JobStatus.COMPLETED);

    // Its worker died before committing its offset; the job was cleaned up meanwhile, so the task
    // ran again from the start on another worker, and this time it failed.
    TaskResult again =
        TaskResult.newBuilder()
            .setAppId("job-1")
            .setTaskId("job-1@0")
            .setStatus(ResultStatus.FAILED)
            .setError(Errors.of("java.io.IOException", "the model timed out", "squares"))
            .setSequenceId(0)
            .setJobResultWritten(true)
            .build();
    results.pipeInput("job-1", again);

    assertThat(jobResults.readWritten())
        .as("the coordinator writes the job's outcome again after the worker's late one")
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.byWorker()).isFalse();
              assertThat(w.value().getStatus()).isEqualTo(JobStatus.COMPLETED);
              assertThat(w.value().getState()).isEqualTo(first.getState());
            });
    assertThat(eventsOf(EventKind.JOB_DONE)).as("the job ended once").hasSize(1);
  }

  @Test
  void aRootsResultThatDoesNotSayItsJobsResultIsWrittenGetsOneFromTheCoordinatorOnItsClock() {
    List<TaskResult> done = resultsOf(fannedOut("job-1", List.of(1L)));
    driver.advanceWallClockTime(Duration.ofMinutes(5));
    done.forEach(r -> results.pipeInput("job-1", r));
    TaskOutcome.Finished end = (TaskOutcome.Finished) work(tasks.readValue());
    // as a worker of a version before workers wrote job results sends it
    TaskResult root = TaskResult.newBuilder(end.result()).setJobResultWritten(false).build();
    results.pipeInput("job-1", root);
    results.pipeInput("job-1", root);

    assertThat(jobResults.readWritten())
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.byWorker()).isFalse();
              assertThat(w.value().getSteps()).isEqualTo(2 + 1);
              assertThat(w.value().getFinishedAtMs())
                  .as("the Streams clock")
                  .isEqualTo(START.plus(Duration.ofMinutes(5)).toEpochMilli());
            });
  }

  @Test
  void anUndecodableRecordOnEachInputTopicGoesToTheDeadLetterTopicAndFailsItsJob() {
    raw(topics.jobs()).pipeInput("job-bad", new byte[] {0, 0, 0, 0, 42, 1, 2});
    jobs.pipeInput("job-2", job("job-2", "sums", State.of("xs", List.of(1L))));
    tasks.readValuesToList();
    raw(topics.fanouts()).pipeInput("job-2", new byte[] {7, 7});
    List<Task> children = fannedOut("job-3", List.of(1L));
    // keyed by a child, not a root: the coordinator finds the job through the tree it keeps
    raw(topics.results())
        .pipeInput(children.get(0).getAppId(), "not avro".getBytes(StandardCharsets.UTF_8));

    List<TestRecord<String, byte[]>> dead = dlq.readRecordsToList();
    assertThat(dead)
        .extracting(TestRecord::key)
        .containsExactly("job-bad", "job-2", children.get(0).getAppId());
    assertThat(dead).allMatch(r -> DeadLetters.reason(r.headers()) != null);
    assertThat(DeadLetters.reason(dead.get(1).headers())).contains("topic " + topics.fanouts());

    Map<String, JobResult> failed = new LinkedHashMap<>();
    jobResults.readKeyValuesToList().forEach(kv -> failed.put(kv.key, kv.value));
    assertThat(failed).containsOnlyKeys("job-bad", "job-2", "job-3");
    assertThat(failed.values()).allMatch(r -> r.getStatus() == JobStatus.FAILED);
    assertThat(failed.get("job-2").getError().getMessage()).contains("could not be decoded");
    // the UI learns of each failure, with its reason, from the events
    assertThat(eventsOf(EventKind.JOB_DONE))
        .filteredOn(e -> e.getAppId().equals("job-bad"))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getStatus()).isEqualTo(AppStatus.FAILED);
              assertThat(e.getError().getMessage())
                  .isEqualTo(failed.get("job-bad").getError().getMessage());
            });
  }

  private TestInputTopic<String, byte[]> raw(String topic) {
    return driver.createInputTopic(topic, new StringSerializer(), new ByteArraySerializer());
  }
}
