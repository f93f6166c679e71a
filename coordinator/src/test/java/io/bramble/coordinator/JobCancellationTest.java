package io.bramble.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.persistence.InMemoryPersister;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.Topics;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.AppStatus;
import io.bramble.schemas.avro.Cancellation;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.CheckpointStatus;
import io.bramble.schemas.avro.Entry;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.StoredRef;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.avro.Value;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.worker.TaskOutcome;
import io.bramble.worker.TaskRunner;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancelling a job, on Kafka's {@link TopologyTestDriver}: the job's result is CANCELLED, every app
 * of its tree is cancelled on the checkpoints topic and its checkpoint removed, nothing of it runs
 * or is released afterwards, what its apps still report is dropped; an ended job is refused naming
 * its status, and a second cancel changes nothing.
 */
class JobCancellationTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path stateDir;

  private final Topics topics = Topics.defaults();
  private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
  private final GraphRegistry graphs =
      GraphRegistry.of(
          JoinGraphs.provider("sums", JoinGraphs.sumOfSquares(), "squares"),
          JoinGraphs.provider("nested", JoinGraphs.nested(), "groups"),
          JoinGraphs.provider("reviews", JoinGraphs.reviews(), "reviews"));
  private final TaskRunner worker = new TaskRunner(graphs);
  private final InMemoryPersister checkpointStore = new InMemoryPersister();

  /** The keys of the stored values the coordinator removed. */
  private final List<String> removed = new ArrayList<>();

  private CoordinatorDriver coordinator;
  private TestOutputTopic<String, Task> tasks;
  private TestOutputTopic<String, TrackingEvent> events;
  private TestOutputTopic<String, Checkpoint> checkpoints;
  private TestOutputTopic<String, Cancellation> cancellations;
  private JobResultsTopic jobResults;

  @BeforeEach
  void start() {
    coordinator =
        new CoordinatorDriver(
            topics,
            graphs,
            schemas,
            stateDir,
            START,
            (root, values) -> values.forEach(v -> removed.add(v.getKey())));
    tasks = coordinator.output(topics.tasks(), Task.class);
    events = coordinator.output(topics.events(), TrackingEvent.class);
    checkpoints = coordinator.output(topics.checkpoints(), Checkpoint.class);
    cancellations = coordinator.output(topics.cancellations(), Cancellation.class);
    jobResults = coordinator.jobResults();
  }

  @AfterEach
  void stop() {
    coordinator.close();
  }

  private void submit(String appId, String graph, State state, String... haltBefore) {
    coordinator.jobs.pipeInput(
        appId,
        JobRequest.newBuilder()
            .setAppId(appId)
            .setGraph(graph)
            .setState(StateCodec.toAvro(state))
            .setHaltBefore(List.of(haltBefore))
            .setSubmittedAtMs(START.toEpochMilli())
            .build());
  }

  private void cancel(String appId, String requestId) {
    coordinator.jobs.pipeInput(
        appId,
        JobRequest.newBuilder()
            .setAppId(appId)
            .setGraph("")
            .setCancel(true)
            .setRequestId(requestId)
            .setSubmittedAtMs(START.toEpochMilli() + 5_000)
            .build());
  }

  private TaskOutcome work(Task task) {
    return worker.run(task, checkpointStore);
  }

  /** The coordinator's answers to cancel requests: request id → CANCELLED, or the refusal. */
  private Map<String, String> answers() {
    Map<String, String> answers = new LinkedHashMap<>();
    for (TrackingEvent e : events.readValuesToList()) {
      if (e.getKind() == EventKind.CANCELLED) {
        answers.put(e.getRequestId(), "CANCELLED");
      } else if (e.getKind() == EventKind.CANCEL_REFUSED) {
        answers.put(e.getRequestId(), e.getError().getMessage());
      }
    }
    return answers;
  }

  /** The checkpoints topic's records so far: app id → its records' kinds, in order. */
  private Map<String, List<String>> checkpointRecords() {
    Map<String, List<String>> byApp = new LinkedHashMap<>();
    for (KeyValue<String, Checkpoint> kv : checkpoints.readKeyValuesToList()) {
      byApp
          .computeIfAbsent(kv.key, k -> new ArrayList<>())
          .add(kv.value == null ? "tombstone" : kv.value.getStatus().name());
    }
    return byApp;
  }

  @Test
  void aRunningJobEndsCancelledEveryAppOfItsTreeStopsAndWhatTheyStillReportIsDropped() {
    submit("job-1", "sums", State.of("xs", List.of(1L, 2L, 3L)));
    coordinator.send(work(tasks.readValue()));
    List<Task> children = tasks.readValuesToList();
    assertThat(children).hasSize(3);
    TaskOutcome firstDone = work(children.get(0)); // done before the cancel, reported after it

    cancel("job-1", "c1");

    JobResult result = jobResults.readValue();
    assertThat(result.getStatus()).isEqualTo(JobStatus.CANCELLED);
    assertThat(result.getGraph()).isEqualTo("sums");
    assertThat(answers()).containsExactly(Map.entry("c1", "CANCELLED"));
    assertThat(cancellations.readValuesToList())
        .as("every partition is told to stop the tree (one here)")
        .extracting(Cancellation::getRootAppId)
        .containsExactly("job-1");
    Map<String, List<String>> written = checkpointRecords();
    for (String app :
        Stream.concat(Stream.of("job-1"), children.stream().map(Task::getAppId)).toList()) {
      assertThat(written.get(app))
          .as("app %s: cancelled, so its task stops or never runs; its checkpoint removed", app)
          .containsExactly("CANCELLED", "tombstone");
    }

    coordinator.send(firstDone);
    coordinator.send(work(children.get(1)));
    assertThat(tasks.readValuesToList()).as("no reduce, nothing released").isEmpty();
    assertThat(jobResults.isEmpty()).as("the job's result stays CANCELLED").isTrue();
    assertThat(checkpointRecords())
        .as("what a step under way wrote goes after it")
        .containsOnlyKeys(children.get(0).getAppId(), children.get(1).getAppId())
        .allSatisfy((app, kinds) -> assertThat(kinds).containsExactly("tombstone"));
  }

  @Test
  void theGrandchildrenOfANestedJobAreCancelledToo() {
    submit("job-1", "nested", State.of("groups", List.of(List.of(1L, 2L), List.of(3L))));
    coordinator.send(work(tasks.readValue()));
    List<Task> groups = tasks.readValuesToList();
    coordinator.send(work(groups.get(0))); // the first group fans out to its own children
    List<Task> grandchildren = tasks.readValuesToList();
    assertThat(grandchildren).hasSize(2);

    cancel("job-1", "c1");

    Map<String, List<String>> written = checkpointRecords();
    for (Task g : grandchildren) {
      assertThat(written.get(g.getAppId())).containsExactly("CANCELLED", "tombstone");
    }
    for (Task g : grandchildren) {
      coordinator.send(work(g));
    }
    coordinator.send(work(groups.get(1)));
    assertThat(tasks.readValuesToList()).as("the inner join never completes").isEmpty();
    assertThat(jobResults.readValuesToList())
        .extracting(JobResult::getStatus)
        .containsExactly(JobStatus.CANCELLED);
  }

  @Test
  void aHaltedJobEndsCancelledAndItsWaitingAppsCanNoLongerBeResumed() {
    submit("job-1", "reviews", State.of("xs", List.of(1L, 2L)), "approve");
    coordinator.send(work(tasks.readValue()));
    List<Task> children = tasks.readValuesToList();
    children.forEach(c -> coordinator.send(work(c)));
    assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.HALTED);

    cancel("job-1", "c1");
    JobResult cancelled = jobResults.readValue();
    assertThat(cancelled.getStatus()).isEqualTo(JobStatus.CANCELLED);
    assertThat(cancelled.getState()).as("the state it had when it halted").isNotNull();
    events.readValuesToList();

    String child = children.get(0).getAppId();
    coordinator.jobs.pipeInput(
        child,
        JobRequest.newBuilder()
            .setAppId(child)
            .setGraph("")
            .setResume(true)
            .setRequestId("r1")
            .setSubmittedAtMs(START.toEpochMilli() + 9_000)
            .build());
    assertThat(tasks.isEmpty()).isTrue();
    assertThat(events.readValuesToList())
        .filteredOn(e -> e.getKind() == EventKind.RESUME_REFUSED)
        .hasSize(1);
  }

  @Test
  void aJobThatEndedIsRefusedNamingItsStatusAndAnUnknownOneNamingTheId() {
    submit("job-1", "sums", State.of("xs", List.of(1L)));
    while (!tasks.isEmpty()) {
      coordinator.send(work(tasks.readValue()));
    }
    assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.COMPLETED);
    events.readValuesToList();
    checkpointRecords(); // its clean-up's

    cancel("job-1", "c1");
    cancel("ghost", "c2");

    assertThat(answers())
        .containsExactly(
            Map.entry(
                "c1", "job job-1 is completed: only a running or halted job can be cancelled"),
            Map.entry(
                "c2",
                "no job has id ghost (a request names the app id the job was submitted with; its"
                    + " children go with it)"));
    assertThat(jobResults.isEmpty()).isTrue();
    assertThat(checkpointRecords()).as("nothing of the completed job's is touched").isEmpty();
  }

  @Test
  void cancellingTwiceIsHarmless() {
    submit("job-1", "sums", State.of("xs", List.of(1L, 2L)));
    coordinator.send(work(tasks.readValue()));
    tasks.readValuesToList();

    cancel("job-1", "c1");
    jobResults.readValuesToList();
    cancellations.readValuesToList();
    checkpointRecords();
    events.readValuesToList();
    cancel("job-1", "c2");

    List<TrackingEvent> answered = events.readValuesToList();
    assertThat(answered)
        .extracting(TrackingEvent::getKind, TrackingEvent::getRequestId)
        .as("answered as the first time, and nothing else")
        .containsExactly(org.assertj.core.groups.Tuple.tuple(EventKind.CANCELLED, "c2"));
    assertThat(jobResults.isEmpty()).as("its result is written once").isTrue();
    assertThat(cancellations.isEmpty()).isTrue();
    assertThat(checkpointRecords()).isEmpty();
  }

  @Test
  void aRootThatEndsAfterItsJobWasCancelledLeavesTheJobsResultCancelled() {
    submit("job-1", "sums", State.of("xs", List.of(1L)));
    coordinator.send(work(tasks.readValue()));
    coordinator.send(work(tasks.readValue()));
    Task reduce = tasks.readValue(); // the join completed: its reduce is on its way to a worker
    cancel("job-1", "c1");
    assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.CANCELLED);

    // The reduce was under way: its worker ended the root and wrote the job's result itself.
    TaskResult ended = ((TaskOutcome.Finished) work(reduce)).result();
    assertThat(ended.getJobResultWritten()).isTrue();
    coordinator.results.pipeInput("job-1", ended);

    assertThat(jobResults.readWritten())
        .as("the coordinator writes the CANCELLED result again after the worker's late one")
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.byWorker()).isFalse();
              assertThat(w.value().getStatus()).isEqualTo(JobStatus.CANCELLED);
            });
  }

  @Test
  void theValuesAStepUnderWayStoredGo() {
    submit("job-1", "reviews", State.of("xs", List.of(1L, 2L)), "approve");
    coordinator.send(work(tasks.readValue()));
    List<Task> children = tasks.readValuesToList();
    coordinator.send(work(children.get(0)));
    TaskOutcome.Finished late = (TaskOutcome.Finished) work(children.get(1));
    cancel("job-1", "c1");
    assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.CANCELLED);

    late.result().setStored(List.of(stored("job-1/doc"), stored("job-1/draft")));
    coordinator.send(late);

    assertThat(removed).as(removed.toString()).containsExactly("job-1/doc", "job-1/draft");
  }

  @Test
  void aHaltedJobsCancelledResultKeepsTheStoredValuesItsStateHolds() {
    submit("job-1", "sums", State.of("xs", List.of(1L)), "total");
    coordinator.send(work(tasks.readValue()));
    coordinator.send(work(tasks.readValue()));
    TaskOutcome.Finished halted = (TaskOutcome.Finished) work(tasks.readValue());
    assertThat(halted.result().getStatus()).isEqualTo(ResultStatus.HALTED);
    List<Entry> entries = new ArrayList<>(halted.result().getState().getEntries());
    entries.add(new Entry("doc", new Value(stored("job-1/doc"))));
    halted.result().getState().setEntries(entries);
    halted.result().setStored(List.of(stored("job-1/doc"), stored("job-1/draft")));
    coordinator.send(halted);
    assertThat(jobResults.readValuesToList())
        .extracting(JobResult::getStatus)
        .containsExactly(JobStatus.HALTED);

    cancel("job-1", "c1");

    assertThat(ValueCleanup.heldBy(jobResults.readValue().getState())).containsExactly("job-1/doc");
    assertThat(removed).as("what its state does not hold").containsExactly("job-1/draft");
  }

  private static StoredRef stored(String key) {
    return StoredRef.newBuilder().setStore("kafka").setKey(key).setBytes(1).setSha256("00").build();
  }

  @Test
  void theJobIsReportedDoneCancelled() {
    submit("job-1", "sums", State.of("xs", List.of(1L)));
    cancel("job-1", "c1");
    assertThat(events.readValuesToList())
        .filteredOn(e -> e.getKind() == EventKind.JOB_DONE)
        .extracting(TrackingEvent::getStatus)
        .containsExactly(AppStatus.CANCELLED);
    assertThat(checkpoints.readValuesToList().get(0).getStatus())
        .isEqualTo(CheckpointStatus.CANCELLED);
  }
}
