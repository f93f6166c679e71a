package io.bramble.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.persistence.InMemoryPersister;
import io.bramble.core.registry.GraphMigration;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.Records;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.avro.TrackingEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * Moving apps between versions of their graph at step boundaries ({@code bramble migrate}), on a
 * {@link TaskRunner} with in-memory checkpoints: version 2 renamed {@code draft} to {@code write}
 * and reads a new key {@code tone}, which its migration fills in.
 */
class AppMigrationTest {
  private final Map<String, String> migrating = new ConcurrentHashMap<>();
  private final List<TrackingEvent> events = new ArrayList<>();
  private final InMemoryPersister checkpoints = new InMemoryPersister();

  /** v1: draft, then review. */
  private static GraphProvider v1() {
    Graph graph =
        Graph.builder()
            .withActions(
                Action.builder("draft")
                    .writes("text")
                    .update((s, in) -> s.update("text", "a v1 draft")),
                Action.builder("review")
                    .reads("text")
                    .writes("review")
                    .update((s, in) -> s.update("review", "v1 read: " + s.getString("text"))))
            .withTransition("draft", "review")
            .build();
    return provider("1", graph, "draft", GraphMigration.NONE);
  }

  /** v2: write (draft renamed), then review, which reads a new key, tone. */
  private static GraphProvider v2(GraphMigration migration) {
    Graph graph =
        Graph.builder()
            .withActions(
                Action.builder("write")
                    .writes("text")
                    .update((s, in) -> s.update("text", "a v2 text")),
                Action.builder("review")
                    .reads("text", "tone")
                    .writes("review")
                    .update(
                        (s, in) ->
                            s.update(
                                "review",
                                "v2 read, " + s.getString("tone") + ": " + s.getString("text"))))
            .withTransition("write", "review")
            .build();
    return provider("2", graph, "write", migration);
  }

  private static final GraphMigration RENAMED_WITH_TONE =
      GraphMigration.renaming(Map.of("draft", "write")).withState(s -> s.update("tone", "plain"));

  private static GraphProvider provider(
      String version, Graph graph, String entrypoint, GraphMigration migration) {
    return new GraphProvider() {
      @Override
      public String name() {
        return "essay";
      }

      @Override
      public String version() {
        return version;
      }

      @Override
      public GraphMigration migration() {
        return migration;
      }

      @Override
      public Graph graph() {
        return graph;
      }

      @Override
      public String entrypoint() {
        return entrypoint;
      }
    };
  }

  private TaskRunner runner(GraphProvider... versions) {
    GraphRegistry registry = GraphRegistry.of(versions);
    return new TaskRunner(
        registry,
        () -> {},
        null,
        io.bramble.runtime.values.ValueStoreConfig.defaults(),
        JoinedPages.NONE,
        new AppMigration(registry, migrating::get, events::add, "worker-1"));
  }

  private static Task root(String position, long sequenceId) {
    return Task.newBuilder()
        .setTaskId("job-1@" + sequenceId)
        .setAppId("job-1")
        .setGraph("essay")
        .setGraphVersion("1")
        .setRootAppId("job-1")
        .setPosition(position)
        .setSequenceId(sequenceId)
        .setState(StateCodec.toAvro(State.empty()))
        .setInputs(StateCodec.fromMap(Map.of()))
        .build();
  }

  /** The task that continues a halted app, as the coordinator sends it on a resume. */
  private static Task resumed(TaskResult halted) {
    assertThat(halted.getStatus()).isEqualTo(ResultStatus.HALTED);
    JobRequest resume =
        JobRequest.newBuilder()
            .setAppId("job-1")
            .setGraph("")
            .setState(StateCodec.toAvro(State.empty()))
            .setInputs(StateCodec.fromMap(Map.of()))
            .setResume(true)
            .setSubmittedAtMs(1)
            .build();
    return Records.resumed(halted.getResume(), resume);
  }

  private static TaskResult result(TaskOutcome outcome) {
    assertThat(outcome).isInstanceOf(TaskOutcome.Finished.class);
    return ((TaskOutcome.Finished) outcome).result();
  }

  private static Task forwarded(TaskOutcome outcome) {
    assertThat(outcome).isInstanceOf(TaskOutcome.Forwarded.class);
    return ((TaskOutcome.Forwarded) outcome).task();
  }

  @Test
  void aRunningAppMovesAtItsNextStepBoundaryAndGoesOnWithTheNewVersionsCode() {
    TaskRunner worker = runner(v1(), v2(RENAMED_WITH_TONE));
    TaskResult halted =
        result(
            worker.run(
                Task.newBuilder(root("draft", 0)).setPauseAfter(List.of("draft")).build(),
                checkpoints));
    assertThat(halted.getStatus()).isEqualTo(ResultStatus.HALTED);
    Task running = resumed(halted);

    migrating.put("job-1", "2");
    Task moved = forwarded(worker.run(running, checkpoints));

    assertThat(moved.getGraphVersion()).isEqualTo("2");
    assertThat(moved.getPosition())
        .as("v1's next action, review, is review on v2")
        .isEqualTo("review");
    assertThat(moved.getSequenceId()).isEqualTo(running.getSequenceId());
    assertThat(StateCodec.toState(moved.getState()).getString("tone")).isEqualTo("plain");
    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getKind()).isEqualTo(EventKind.MIGRATED);
              assertThat(e.getAppId()).isEqualTo("job-1");
              assertThat(e.getFromGraphVersion()).isEqualTo("1");
              assertThat(e.getGraphVersion()).isEqualTo("2");
              assertThat(e.getAction()).isEqualTo("review");
              assertThat(e.getNextAction()).isEqualTo("review");
            });

    TaskResult done = result(worker.run(moved, checkpoints));
    assertThat(done.getStatus()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(StateCodec.toState(done.getState()).getString("review"))
        .as("v1 drafted it, v2 reviewed it")
        .isEqualTo("v2 read, plain: a v1 draft");
  }

  @Test
  void anAppMovesBetweenTwoStepsOfOneTask() {
    TaskRunner worker = runner(v1(), v2(RENAMED_WITH_TONE));
    migrating.put("job-1", "2");

    Task moved = forwarded(worker.run(root("draft", 0), checkpoints));

    assertThat(moved.getGraphVersion()).isEqualTo("2");
    assertThat(moved.getPosition()).as("draft, renamed").isEqualTo("write");
    assertThat(checkpoints.load(null, "job-1")).as("no step of v1 ran").isEmpty();
    TaskResult done = result(worker.run(moved, checkpoints));
    assertThat(StateCodec.toState(done.getState()).getString("review"))
        .isEqualTo("v2 read, plain: a v2 text");
  }

  @Test
  void aHaltedAppMovesOnAWorkerThatNoLongerHasItsVersion() {
    TaskResult halted =
        result(
            runner(v1())
                .run(
                    Task.newBuilder(root("draft", 0)).setPauseAfter(List.of("draft")).build(),
                    checkpoints));
    Task resumed = resumed(halted);
    migrating.put("job-1", "2");

    TaskRunner v2Only = runner(v2(RENAMED_WITH_TONE));
    Task moved = forwarded(v2Only.run(resumed, checkpoints));
    TaskResult done = result(v2Only.run(moved, checkpoints));

    assertThat(done.getStatus()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(StateCodec.toState(done.getState()).getString("review"))
        .isEqualTo("v2 read, plain: a v1 draft");
  }

  @Test
  void aPositionTheMigrationDoesNotMapIsRefusedNamingTheAppAndTheActionAndTheAppStays() {
    GraphMigration onlyDrafts =
        run ->
            run.nextAction().equals("draft")
                ? java.util.Optional.of(new GraphMigration.Continuation("write", run.state()))
                : java.util.Optional.empty();
    TaskRunner worker = runner(v1(), v2(onlyDrafts));
    TaskResult halted =
        result(
            worker.run(
                Task.newBuilder(root("draft", 0)).setPauseAfter(List.of("draft")).build(),
                checkpoints));
    Task resumed = resumed(halted);
    migrating.put("job-1", "2");

    TaskResult done = result(worker.run(resumed, checkpoints));

    assertThat(events)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getKind()).isEqualTo(EventKind.MIGRATION_REFUSED);
              assertThat(e.getError().getMessage())
                  .isEqualTo(
                      "app job-1 in front of action 'review' of graph 'essay' version 1 stays"
                          + " there: version 2's migration maps no run in front of 'review'");
            });
    assertThat(StateCodec.toState(done.getState()).getString("review"))
        .as("it goes on where it is, in the same task, on version 1")
        .isEqualTo("v1 read: a v1 draft");
  }

  @Test
  void aRunRefusedAtOneBoundaryIsNotTriedAgainAtTheNextAndItsLaterTasksCarryTheRefusal() {
    GraphMigration never = run -> java.util.Optional.empty();
    TaskRunner worker = runner(v1(), v2(never));
    migrating.put("job-1", "2");

    TaskResult halted =
        result(
            worker.run(
                Task.newBuilder(root("draft", 0)).setPauseAfter(List.of("draft")).build(),
                checkpoints));

    assertThat(events).as("refused once, in front of draft").hasSize(1);
    assertThat(halted.getResume().getMigrationRefused()).isEqualTo("2");
    TaskResult done = result(worker.run(resumed(halted), checkpoints));
    assertThat(done.getStatus()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(events).as("its resume is not refused again").hasSize(1);
  }

  @Test
  void aRefusedAppOnAWorkerWithoutItsVersionGoesOnToItsVersionsLane() {
    TaskResult halted =
        result(
            runner(v1())
                .run(
                    Task.newBuilder(root("draft", 0)).setPauseAfter(List.of("draft")).build(),
                    checkpoints));
    migrating.put("job-1", "2");

    Task stays =
        forwarded(runner(v2(run -> java.util.Optional.empty())).run(resumed(halted), checkpoints));

    assertThat(stays.getGraphVersion()).isEqualTo("1");
    assertThat(stays.getMigrationRefused()).isEqualTo("2");
    assertThat(events)
        .extracting(TrackingEvent::getKind)
        .containsExactly(EventKind.MIGRATION_REFUSED);
  }

  @Test
  void aMigrationThatReturnsNullIsRefusedNotAFailure() {
    TaskRunner worker = runner(v1(), v2(run -> null));
    migrating.put("job-1", "2");

    TaskResult done = result(worker.run(root("draft", 0), checkpoints));

    assertThat(done.getStatus()).isEqualTo(ResultStatus.COMPLETED);
    assertThat(events.get(0).getError().getMessage())
        .endsWith("version 2's migration returned null where it maps a run");
  }

  @Test
  void aMigrationToAnActionTheNewVersionLacksIsRefusedNamingIt() {
    TaskRunner worker = runner(v1(), v2(GraphMigration.sameActions()));
    migrating.put("job-1", "2");

    TaskResult done = result(worker.run(root("draft", 0), checkpoints));

    assertThat(StateCodec.toState(done.getState()).getString("review"))
        .isEqualTo("v1 read: a v1 draft");
    assertThat(events.get(0).getError().getMessage())
        .isEqualTo(
            "app job-1 in front of action 'draft' of graph 'essay' version 1 stays there: version"
                + " 2's migration maps it to 'draft', which it has no action of");
  }

  @Test
  void aJobNotBeingMigratedOrAVersionThisWorkerLacksMovesNothing() {
    TaskRunner worker = runner(v1(), v2(RENAMED_WITH_TONE));
    assertThat(result(worker.run(root("draft", 0), checkpoints)).getStatus())
        .isEqualTo(ResultStatus.COMPLETED);
    migrating.put("job-1", "3");
    assertThat(result(worker.run(root("draft", 0), new InMemoryPersister())).getStatus())
        .as("no worker here has version 3")
        .isEqualTo(ResultStatus.COMPLETED);
    assertThat(events).isEmpty();
  }
}
