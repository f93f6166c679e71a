package io.bramble.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.persistence.InMemoryPersister;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.Topics;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.Migration;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.worker.TaskRunner;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Migrating a job, on Kafka's {@link TopologyTestDriver}: the coordinator answers the request (or
 * refuses it, naming why), tells the workers on the migrations topic once per version, and removes
 * the record when the job ends; a halted job keeps it.
 */
class JobMigrationTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  @TempDir Path stateDir;

  private final Topics topics = Topics.defaults();
  private final InMemorySchemaRegistry schemas = new InMemorySchemaRegistry();
  private final GraphRegistry graphs =
      GraphRegistry.of(
          JoinGraphs.provider("sums", JoinGraphs.sumOfSquares(), "squares"),
          JoinGraphs.provider("reviews", JoinGraphs.reviews(), "reviews"));
  private final TaskRunner worker = new TaskRunner(graphs);
  private final InMemoryPersister checkpointStore = new InMemoryPersister();

  private CoordinatorDriver coordinator;
  private TestOutputTopic<String, Task> tasks;
  private TestOutputTopic<String, TrackingEvent> events;
  private TestOutputTopic<String, Migration> migrations;
  private JobResultsTopic jobResults;

  @BeforeEach
  void start() {
    coordinator = new CoordinatorDriver(topics, graphs, schemas, stateDir, START);
    tasks = coordinator.output(topics.tasks(), Task.class);
    events = coordinator.output(topics.events(), TrackingEvent.class);
    migrations = coordinator.output(topics.migrations(), Migration.class);
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

  private void migrate(String appId, String version, String requestId) {
    coordinator.jobs.pipeInput(
        appId,
        JobRequest.newBuilder()
            .setAppId(appId)
            .setGraph("")
            .setMigrateTo(version)
            .setRequestId(requestId)
            .setSubmittedAtMs(START.toEpochMilli() + 5_000)
            .build());
  }

  private void runAll() {
    while (!tasks.isEmpty()) {
      coordinator.send(worker.run(tasks.readValue(), checkpointStore));
    }
  }

  /** The coordinator's answers to migrations: request id → MIGRATING VERSION, or the refusal. */
  private Map<String, String> answers() {
    Map<String, String> answers = new LinkedHashMap<>();
    for (TrackingEvent e : events.readValuesToList()) {
      if (e.getKind() == EventKind.MIGRATING) {
        answers.put(e.getRequestId(), "MIGRATING " + e.getGraphVersion());
      } else if (e.getKind() == EventKind.MIGRATE_REFUSED) {
        answers.put(e.getRequestId(), e.getError().getMessage());
      }
    }
    return answers;
  }

  private List<String> migrationRecords() {
    return migrations.readKeyValuesToList().stream()
        .map(
            (KeyValue<String, Migration> kv) ->
                kv.key + (kv.value == null ? " tombstone" : " → " + kv.value.getToVersion()))
        .toList();
  }

  @Test
  void aRunningJobIsToldToTheWorkersOncePerVersionAndForgottenWhenItEnds() {
    submit("job-1", "sums", State.of("xs", List.of(1L, 2L)));
    coordinator.send(worker.run(tasks.readValue(), checkpointStore));

    migrate("job-1", "2", "m1");
    migrate("job-1", "2", "m2");
    migrate("job-1", "3", "m3");

    assertThat(answers())
        .containsExactly(
            Map.entry("m1", "MIGRATING 2"),
            Map.entry("m2", "MIGRATING 2"),
            Map.entry("m3", "MIGRATING 3"));
    assertThat(migrationRecords())
        .as("the same version asked twice is one record")
        .containsExactly("job-1 → 2", "job-1 → 3");

    runAll();
    assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.COMPLETED);
    assertThat(migrationRecords()).containsExactly("job-1 tombstone");
  }

  @Test
  void aHaltedJobKeepsItsMigrationForItsResumeAndACancelRemovesIt() {
    submit("job-1", "reviews", State.of("xs", List.of(1L)), "approve");
    runAll();
    assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.HALTED);

    migrate("job-1", "2", "m1");
    assertThat(answers()).containsExactly(Map.entry("m1", "MIGRATING 2"));
    assertThat(migrationRecords()).containsExactly("job-1 → 2");

    coordinator.jobs.pipeInput(
        "job-1",
        JobRequest.newBuilder()
            .setAppId("job-1")
            .setGraph("")
            .setCancel(true)
            .setRequestId("c1")
            .setSubmittedAtMs(START.toEpochMilli() + 9_000)
            .build());
    assertThat(migrationRecords()).containsExactly("job-1 tombstone");
  }

  @Test
  void anEndedOrUnknownJobOrNoVersionIsRefusedNamingWhy() {
    submit("job-1", "sums", State.of("xs", List.of(1L)));
    runAll();
    assertThat(jobResults.readValue().getStatus()).isEqualTo(JobStatus.COMPLETED);
    events.readValuesToList();
    migrationRecords();

    migrate("job-1", "2", "m1");
    migrate("ghost", "2", "m2");
    migrate("job-1", " ", "m3");

    assertThat(answers())
        .containsExactly(
            Map.entry("m1", "job job-1 is completed: only a running or halted job can be migrated"),
            Map.entry(
                "m2",
                "no job has id ghost (a request names the app id the job was submitted with; its"
                    + " children go with it)"),
            Map.entry("m3", "a migration names the graph version to move the job to"));
    assertThat(migrationRecords()).isEmpty();
  }
}
