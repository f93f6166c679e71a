package io.bramble.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.bramble.core.application.Application;
import io.bramble.core.graph.GraphView;
import io.bramble.core.state.State;
import io.bramble.core.tracking.ApplicationEnd;
import io.bramble.core.tracking.LocalFileTracker;
import io.bramble.core.tracking.ModelCall;
import io.bramble.core.tracking.StepEnd;
import io.bramble.examples.poems.OfflinePoemModel;
import io.bramble.examples.poems.Poems;
import io.bramble.runtime.DeclaredInputs;
import io.bramble.runtime.Errors;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.AppStatus;
import io.bramble.schemas.avro.ErrorInfo;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.TrackingEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The UI's two sources, its index and its JSON API, without a browser. */
class UiStoreTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  @Test
  void aLocalRunsTrackerDirectoryServedAsJson(@TempDir Path dir) throws Exception {
    Application.builder()
        .withGraph(Poems.graph(new OfflinePoemModel()))
        .withEntrypoint(Poems.ENTRYPOINT)
        .withIdentifiers("local-1", null)
        .withTracker(new LocalFileTracker(dir))
        .build()
        .run(Poems.inputs(List.of("sonnet", "haiku"), "the sea", 2));

    try (UiServer ui = UiServer.start(new TrackerDirStore(dir), 0)) {
      JsonNode list = get(ui, "/api/apps");
      assertThat(list.get("total").asInt()).isEqualTo(1);
      JsonNode root = list.get("items").get(0);
      assertThat(root.get("app_id").asText()).isEqualTo("local-1");
      assertThat(root.get("status").asText()).isEqualTo("completed");
      assertThat(root.get("children").get("total").asInt()).isEqualTo(2);
      assertThat(root.get("children").get("completed").asInt()).isEqualTo(2);

      JsonNode app = get(ui, "/api/app?id=local-1");
      List<String> actions = new ArrayList<>();
      app.get("steps").forEach(s -> actions.add(s.get("action").asText()));
      assertThat(actions).containsExactly("user_input", "generate_all_poems", "final_results");
      JsonNode first = app.get("steps").get(0);
      assertThat(first.get("diff").get("added").get("poem_subject").asText()).isEqualTo("the sea");
      assertThat(first.get("diff").get("added").has("__SEQUENCE_ID"))
          .as("internal keys left out")
          .isFalse();
      assertThat(app.get("steps").get(1).get("parallel").get("total").asInt()).isEqualTo(2);
      assertThat(app.get("steps").get(1).get("diff").get("added").has("proposals")).isTrue();
      assertThat(app.get("graph_svg").asText())
          .contains("class=\"node visited current\" data-action=\"final_results\"");

      JsonNode children = get(ui, "/api/children?id=local-1&seq=1");
      assertThat(children.get("total").asInt()).isEqualTo(2);
      JsonNode child = children.get("items").get(0);
      assertThat(child.get("parent").get("app_id").asText()).isEqualTo("local-1");
      assertThat(child.get("child_index").asInt()).isZero();
      JsonNode childApp = get(ui, "/api/app?id=" + child.get("app_id").asText());
      assertThat(childApp.get("steps").get(0).get("action").asText()).isEqualTo("write");
      JsonNode write = childApp.get("steps").get(0).get("model_calls");
      assertThat(write).as("the draft's model call").hasSize(1);
      assertThat(write.get(0).get("model").asText()).isEqualTo("offline");
      assertThat(write.get(0).get("output_tokens").asLong()).isPositive();
      // The job's page sums the calls of its whole tree: every child's write and edit.
      long childCalls = 0;
      for (JsonNode c : children.get("items")) {
        childCalls += get(ui, "/api/app?id=" + c.get("app_id").asText()).get("steps").size() - 1;
      }
      assertThat(app.get("model_calls").get("calls").asLong())
          .as("a write or an edit in each child step but its last (final_draft)")
          .isEqualTo(childCalls);
      assertThat(app.get("model_calls").get("by_model").has("offline")).isTrue();
      assertThat(childApp.get("status").asText()).isEqualTo("completed");

      assertThat(
              get(ui, "/api/apps?q=" + child.get("app_id").asText().substring(0, 8))
                  .get("items")
                  .get(0)
                  .get("app_id")
                  .asText())
          .isEqualTo(child.get("app_id").asText());
      HttpResponse<String> page = raw(ui, "/app?id=local-1");
      assertThat(page.statusCode()).isEqualTo(200);
      assertThat(page.body()).contains("/static/app.js");
      assertThat(raw(ui, "/api/app?id=nope").statusCode()).isEqualTo(404);
      assertThat(raw(ui, "/health/ready").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void thousandsOfChildrenArePagedInTaskOrder() {
    AppIndex index = new AppIndex();
    index.appCreated("p", "g", null, "fan", null, null, null, null, null, 1);
    index.stepStart("p", 0, "fan", NODES.objectNode(), null, 2);
    for (int i = 1199; i >= 0; i--) { // spawn links may arrive in any order
      index.spawn("p", 0, "fan", "c" + i, i);
    }
    JsonNode page = index.children("p", 0L, 1150, 50).orElseThrow();
    assertThat(page.get("total").asInt()).isEqualTo(1200);
    assertThat(page.get("items")).hasSize(50);
    assertThat(page.get("items").get(0).get("app_id").asText()).isEqualTo("c1150");
    assertThat(index.list(null, 0, 50).get("items").get(0).get("children").get("total").asInt())
        .isEqualTo(1200);
    assertThat(index.list(null, 0, 50).get("total").asInt())
        .as("children are not roots")
        .isEqualTo(1);
  }

  private static final GraphView START_FAN =
      new GraphView(
          List.of(
              new GraphView.ActionView("start", false, List.of(), List.of("x"), List.of()),
              new GraphView.ActionView("fan", true, List.of("x"), List.of("ys"), List.of())),
          List.of(new GraphView.TransitionView("start", "fan", "default")));

  @Test
  void eventsTopicFactsFollowAJoinUntilTheJobIsDone() {
    AppIndex index = new AppIndex();
    apply(index, TrackingEvents.jobAccepted("job", "g", "coordinator", 1_000));
    apply(
        index,
        event("job", EventKind.APP_CREATED, null, null)
            .setGraphName("g")
            .setGraph(TrackingEvents.shape(START_FAN))
            .setEntrypoint("start")
            .build());
    apply(
        index,
        event("job", EventKind.STEP_START, 0L, "start")
            .setInputs(StateCodec.fromMap(Map.of("x", 1L)))
            .setStartedAtMs(10L)
            .build());
    apply(
        index,
        event("job", EventKind.STEP_END, 0L, "start")
            .setStepResult(StateCodec.fromMap(Map.of()))
            .setState(StateCodec.toAvro(State.of("x", 1L)))
            .setStartedAtMs(10L)
            .setEndedAtMs(20L)
            .build());
    apply(
        index,
        TrackingEvents.fannedOut(
            "job", 1L, "fan", "job", 0, List.of("a", "b", "c"), 3, "w", 1_000));
    apply(
        index,
        event("b", EventKind.APP_CREATED, null, null)
            .setGraphName("g")
            .setParentAppId("job")
            .setParentSequenceId(1L)
            .setRootAppId("job")
            .build());
    apply(
        index,
        event("b", EventKind.STEP_END, 0L, "w")
            .setState(StateCodec.toAvro(State.of("y", 2L)))
            .setEndedAtMs(30L)
            .setError(
                ErrorInfo.newBuilder()
                    .setType("java.lang.IllegalStateException")
                    .setMessage("boom")
                    .setStackTrace("java.lang.IllegalStateException: boom\n\tat x")
                    .setAction("w")
                    .build())
            .build());
    apply(index, TrackingEvents.joinProgress("job", 1L, "fan", "job", 2, 3, false, "c", 1_000));

    JsonNode job = index.detail("job").orElseThrow();
    assertThat(job.get("status").asText()).isEqualTo("running");
    assertThat(job.get("graph_svg").asText()).contains("data-action=\"fan\"");
    assertThat(job.get("parallel").get(0).get("done").asInt()).isEqualTo(2);
    assertThat(job.get("parallel").get(0).get("total").asInt()).isEqualTo(3);
    assertThat(job.get("parallel").get(0).get("failed").asInt()).isEqualTo(1);
    assertThat(job.get("children").get("failed").asInt()).isEqualTo(1);
    JsonNode b = index.detail("b").orElseThrow();
    assertThat(b.get("status").asText()).isEqualTo("failed");
    assertThat(b.get("parent").get("app_id").asText()).isEqualTo("job");
    assertThat(b.get("child_index").asInt()).isEqualTo(1);
    assertThat(b.get("steps").get(0).get("stack_trace").asText()).contains("IllegalStateException");

    apply(index, TrackingEvents.joinProgress("job", 1L, "fan", "job", 3, 3, true, "c", 1_000));
    apply(index, TrackingEvents.jobDone("job", 1L, "fan", AppStatus.COMPLETED, null, "c", 1_000));
    assertThat(index.detail("job").orElseThrow().get("status").asText()).isEqualTo("completed");
    assertThat(index.detail("job").orElseThrow().get("parallel").get(0).get("reduced").asBoolean())
        .isTrue();
  }

  @Test
  void aJobThatFailsBeforeAnyStepShowsWhyAndOneRefusedByTheCoordinatorIsListedWithItsGraph() {
    AppIndex index = new AppIndex();
    apply(index, TrackingEvents.jobAccepted("bad", "collatz", "coordinator", 1_000));
    apply(
        index,
        TrackingEvents.jobDone(
            "bad",
            -1L,
            null,
            AppStatus.FAILED,
            Errors.of("io.bramble.InvalidJob", "state key 'from' holds String, not Long", null),
            "coordinator",
            1_100));
    JsonNode bad = index.detail("bad").orElseThrow();
    assertThat(bad.get("status").asText()).isEqualTo("failed");
    assertThat(bad.get("error").asText()).isEqualTo("state key 'from' holds String, not Long");
    assertThat(bad.get("steps")).isEmpty();

    apply(
        index,
        TrackingEvents.jobFailed("odd", "poems", "input '__x' is internal", "coordinator", 1_200));
    JsonNode odd = index.detail("odd").orElseThrow();
    assertThat(odd.get("status").asText()).isEqualTo("failed");
    assertThat(odd.get("graph").asText()).isEqualTo("poems");
    assertThat(odd.get("error").asText()).isEqualTo("input '__x' is internal");
  }

  @Test
  void anAppsVersionFollowsItsMigrationAndEachMoveOrRefusalIsListed() {
    AppIndex index = new AppIndex();
    apply(
        index,
        event("job", EventKind.APP_CREATED, null, null)
            .setGraphName("g")
            .setGraphVersion("1")
            .setGraph(TrackingEvents.shape(START_FAN))
            .setEntrypoint("start")
            .build());
    apply(
        index,
        TrackingEvents.migrationRefused(
            "job", "job", "1", "2", "fan", "no run in front of 'fan'", "w", 2_000));
    assertThat(index.detail("job").orElseThrow().get("graph_version").asText()).isEqualTo("1");

    apply(index, TrackingEvents.migrated("job", "job", "1", "3", "fan", "spread", "w", 3_000));

    JsonNode job = index.detail("job").orElseThrow();
    assertThat(job.get("graph_version").asText()).isEqualTo("3");
    JsonNode moves = job.get("migrations");
    assertThat(moves).hasSize(2);
    assertThat(moves.get(0).get("refused").asText()).isEqualTo("no run in front of 'fan'");
    assertThat(moves.get(1).get("refused").isNull()).isTrue();
    assertThat(moves.get(1).get("from_version").asText()).isEqualTo("1");
    assertThat(moves.get(1).get("to_version").asText()).isEqualTo("3");
    assertThat(moves.get(1).get("action").asText()).isEqualTo("fan");
    assertThat(moves.get(1).get("next_action").asText()).isEqualTo("spread");
    assertThat(moves.get(1).get("at_ms").asLong()).isEqualTo(3_000);
  }

  @Test
  void aRunningFanOutIsTheJobsCurrentStepAndItsTimeCoversItsChildren() {
    AppIndex index = new AppIndex(() -> 9_000);
    apply(index, TrackingEvents.jobAccepted("job", "g", "coordinator", 1_000));
    apply(
        index,
        TrackingEvents.fannedOut("job", 0L, "fan", "job", 0, List.of("a", "b"), 2, "c", 1_000));

    JsonNode running = index.detail("job").orElseThrow();
    assertThat(running.get("current_action").asText()).isEqualTo("fan");
    assertThat(running.get("steps"))
        .singleElement()
        .satisfies(
            st -> {
              assertThat(st.get("action").asText()).isEqualTo("fan");
              assertThat(st.get("status").asText()).isEqualTo("running");
            });

    // The worker that reduces reports the step with its reduce's own start, 4 s later.
    stepEnded(
        index, new StepEnd("job", null, 0, "fan", Map.of(), State.of("n", 2L), null, 5_000, 5_017));
    apply(index, TrackingEvents.jobDone("job", 0L, "fan", AppStatus.COMPLETED, null, "c", 5_030));
    JsonNode done = index.detail("job").orElseThrow();
    assertThat(done.get("steps").get(0).get("duration_ms").asLong()).isEqualTo(4_017);
    assertThat(done.get("duration_ms").asLong()).isEqualTo(4_017);
  }

  @Test
  void aRunningStepsDurationIsItsTimeSoFar() {
    AppIndex index = new AppIndex(() -> 3_500);
    apply(index, TrackingEvents.jobAccepted("job", "g", "coordinator", 1_000));
    apply(index, TrackingEvents.fannedOut("job", 0L, "fan", "job", 0, List.of("a"), 1, "c", 1_000));

    assertThat(index.detail("job").orElseThrow().get("steps").get(0).get("duration_ms").asLong())
        .isEqualTo(2_500);
  }

  @Test
  void modelCallsShowPerStepAndSumOverTheJobsTree() {
    AppIndex index = new AppIndex();
    apply(index, TrackingEvents.jobAccepted("job", "g", "coordinator", 1_000));
    apply(
        index,
        TrackingEvents.fannedOut("job", 0L, "fan", "job", 0, List.of("a", "b"), 2, "c", 1_000));
    stepEnded(
        index,
        new StepEnd(
            "a",
            null,
            0,
            "ask",
            Map.of(),
            State.empty(),
            null,
            1_100,
            1_300,
            List.of(new ModelCall("big", 100, 20, 150), new ModelCall("small", 10, 2, 30))));
    stepEnded(
        index,
        new StepEnd(
            "b",
            null,
            0,
            "ask",
            Map.of(),
            State.empty(),
            null,
            1_100,
            1_200,
            List.of(new ModelCall("big", 50, 5, 70))));

    JsonNode a = index.detail("a").orElseThrow();
    assertThat(a.get("steps").get(0).get("model_calls")).hasSize(2);
    assertThat(a.get("steps").get(0).get("model_calls").get(0).get("input_tokens").asLong())
        .isEqualTo(100);
    JsonNode job = index.detail("job").orElseThrow().get("model_calls");
    assertThat(job.get("calls").asLong()).isEqualTo(3);
    assertThat(job.get("input_tokens").asLong()).isEqualTo(160);
    assertThat(job.get("output_tokens").asLong()).isEqualTo(27);
    assertThat(job.get("duration_ms").asLong()).isEqualTo(250);
    assertThat(job.get("by_model").get("big").get("calls").asLong()).isEqualTo(2);
    assertThat(job.get("by_model").get("small").get("input_tokens").asLong()).isEqualTo(10);
  }

  @Test
  void aHaltedAppNamesTheInputsItsResumeMustAndMayGiveUntilItRunsAgain() {
    AppIndex index = new AppIndex();
    apply(index, TrackingEvents.jobAccepted("job", "g", "coordinator", 1_000));
    apply(
        index,
        TrackingEvents.appEnded(
            new ApplicationEnd(
                "job", null, ApplicationEnd.Status.HALTED, 0L, "assess", "approve", null, 2_000),
            "job",
            "w",
            new DeclaredInputs("approve", List.of("verdict"), List.of("note", "verdict"))));

    JsonNode next = index.detail("job").orElseThrow().get("next_inputs");
    assertThat(next.get("action").asText()).isEqualTo("approve");
    assertThat(next.get("required")).extracting(JsonNode::asText).containsExactly("verdict");
    assertThat(next.get("accepted"))
        .extracting(JsonNode::asText)
        .containsExactly("note", "verdict");

    index.resumed("job", "job", 3_000);
    assertThat(index.detail("job").orElseThrow().get("next_inputs").isNull()).isTrue();
  }

  @Test
  void anAppsEntrypointIsWhereItStartedNotWhereItsLaterTasksBegan() {
    AppIndex index = new AppIndex();
    index.appCreated("job", "g", null, "start", null, null, null, "job", null, 1_000);
    // its reduce task, created again at the parallel action
    index.appCreated("job", "g", null, "fan", null, null, null, "job", null, 2_000);

    assertThat(index.detail("job").orElseThrow().get("entrypoint").asText()).isEqualTo("start");
  }

  @Test
  void aHaltedAppsCurrentActionIsTheOneItWaitsInFrontOf() {
    AppIndex index = new AppIndex();
    apply(index, TrackingEvents.jobAccepted("job", "g", "coordinator", 1_000));
    stepEnded(
        index, new StepEnd("job", null, 0, "assess", Map.of(), State.of("n", 2L), null, 100, 105));
    index.appEnded("job", "HALTED", "approve", null, 200);

    assertThat(index.detail("job").orElseThrow().get("current_action").asText())
        .isEqualTo("approve");
  }

  @Test
  void aHaltedJobListsTheChildrenWaitingForInputUntilTheyAreResumed() {
    AppIndex index = new AppIndex();
    apply(index, TrackingEvents.jobAccepted("job", "g", "coordinator", 1_000));
    apply(
        index,
        TrackingEvents.fannedOut(
            "job", 1L, "fan", "job", 0, List.of("a", "b", "c"), 3, "w", 1_000));
    for (String child : List.of("a", "b", "c")) {
      apply(
          index,
          event(child, EventKind.APP_CREATED, null, null)
              .setParentAppId("job")
              .setParentSequenceId(1L)
              .setRootAppId("job")
              .build());
    }
    apply(
        index,
        event("a", EventKind.APP_ENDED, 0L, "assess")
            .setStatus(AppStatus.COMPLETED)
            .setRootAppId("job")
            .build());
    for (String child : List.of("b", "c")) {
      apply(
          index,
          event(child, EventKind.APP_ENDED, 0L, "assess")
              .setStatus(AppStatus.HALTED)
              .setNextAction("approve")
              .setRootAppId("job")
              .build());
    }
    apply(index, TrackingEvents.joinProgress("job", 1L, "fan", "job", 1, 3, false, "c", 1_000));
    apply(index, TrackingEvents.jobHalted("job", 0L, "fan", List.of("b", "c"), "c", 2_000));

    JsonNode job = index.detail("job").orElseThrow();
    assertThat(job.get("status").asText()).isEqualTo("halted");
    assertThat(job.get("waiting").findValuesAsText("app_id")).containsExactly("b", "c");
    assertThat(job.get("waiting").get(0).get("halted_before").asText()).isEqualTo("approve");
    assertThat(job.get("children").get("waiting").asInt()).isEqualTo(2);
    assertThat(job.get("parallel").get(0).get("waiting").asInt()).isEqualTo(2);
    assertThat(job.get("parallel").get(0).get("completed").asInt()).isEqualTo(1);

    apply(index, TrackingEvents.resumed("b", "job", "r1", 1L, "approve", "c", 3_000));
    JsonNode after = index.detail("job").orElseThrow();
    assertThat(after.get("status").asText()).isEqualTo("running");
    assertThat(after.get("waiting").findValuesAsText("app_id")).containsExactly("c");
    assertThat(index.detail("b").orElseThrow().get("status").asText()).isEqualTo("running");
    assertThat(index.detail("b").orElseThrow().get("waiting_for_input").asBoolean()).isFalse();
  }

  @Test
  void aCancelledJobShowsItsAppsThatHadNotEndedCancelledAndNothingWaitingForInput() {
    AppIndex index = new AppIndex();
    apply(index, TrackingEvents.jobAccepted("job", "g", "coordinator", 1_000));
    for (String child : List.of("a", "b", "c")) {
      apply(
          index,
          event(child, EventKind.APP_CREATED, null, null)
              .setParentAppId("job")
              .setParentSequenceId(1L)
              .setRootAppId("job")
              .build());
    }
    apply(
        index,
        event("a", EventKind.APP_ENDED, 0L, "assess")
            .setStatus(AppStatus.COMPLETED)
            .setRootAppId("job")
            .build());
    apply(
        index,
        event("b", EventKind.APP_ENDED, 0L, "assess")
            .setStatus(AppStatus.HALTED)
            .setNextAction("approve")
            .setRootAppId("job")
            .build());
    apply(index, TrackingEvents.jobHalted("job", 0L, "fan", List.of("b"), "c", 2_000));

    apply(index, TrackingEvents.jobCancelled("job", "coordinator", 3_000));
    apply(index, TrackingEvents.appCancelled("c", "job", "w", 3_010));

    JsonNode job = index.detail("job").orElseThrow();
    assertThat(job.get("status").asText()).isEqualTo("cancelled");
    assertThat(job.get("waiting")).isEmpty();
    assertThat(index.detail("a").orElseThrow().get("status").asText()).isEqualTo("completed");
    assertThat(index.detail("b").orElseThrow().get("status").asText()).isEqualTo("cancelled");
    assertThat(index.detail("b").orElseThrow().get("waiting_for_input").asBoolean()).isFalse();
    assertThat(index.detail("c").orElseThrow().get("status").asText()).isEqualTo("cancelled");
  }

  @Test
  void anAppShowsTheVersionOfItsGraph() {
    AppIndex index = new AppIndex();
    apply(
        index,
        event("job", EventKind.APP_CREATED, null, null)
            .setGraphName("flow")
            .setGraphVersion("2")
            .setRootAppId("job")
            .build());
    JsonNode job = index.detail("job").orElseThrow();
    assertThat(job.get("graph").asText()).isEqualTo("flow");
    assertThat(job.get("graph_version").asText()).isEqualTo("2");
  }

  @Test
  void aJobWaitingForAPoolWithoutWorkersShowsThePoolAndItsLagUntilThePoolIsServed() {
    AppIndex index = new AppIndex();
    apply(index, event("job", EventKind.APP_CREATED, null, null).setGraphName("g").build());
    apply(index, TrackingEvents.poolWaiting("job", "gpu", 3, "coordinator", 1_000));

    JsonNode waiting = index.detail("job").orElseThrow().get("waiting_for_pools");
    assertThat(waiting.findValuesAsText("pool")).containsExactly("gpu");
    assertThat(waiting.get(0).get("lag").asLong()).isEqualTo(3);

    apply(index, TrackingEvents.poolServed("job", "gpu", "coordinator", 2_000));
    assertThat(index.detail("job").orElseThrow().get("waiting_for_pools")).isEmpty();
  }

  @Test
  void aRunningChildsStreamIsTheJobsLiveOutputStartingOverWithEachRunUntilTheChildEnds() {
    AppIndex index = new AppIndex();
    apply(index, event("job", EventKind.APP_CREATED, null, null).setGraphName("g").build());
    index.streamed("job", "c1", "sonnet", "write", 0, "run-1", "When I ", 1_000);
    index.streamed("job", "c1", "sonnet", "write", 0, "run-1", "consider", 1_050);
    JsonNode live = index.detail("job").orElseThrow().get("live_output");
    assertThat(live).hasSize(1);
    assertThat(live.get(0).get("label").asText()).isEqualTo("sonnet");
    assertThat(live.get(0).get("text").asText()).isEqualTo("When I consider");
    assertThat(live.get(0).get("attempt").asInt()).isEqualTo(1);
    assertThat(index.detail("c1").orElseThrow().get("live_output").get(0).get("text").asText())
        .isEqualTo("When I consider");

    // the step runs again after a crash: its text starts over, as attempt 2
    index.streamed("job", "c1", "sonnet", "write", 0, "run-2", "When", 2_000);
    live = index.detail("job").orElseThrow().get("live_output");
    assertThat(live.get(0).get("text").asText()).isEqualTo("When");
    assertThat(live.get(0).get("attempt").asInt()).isEqualTo(2);

    apply(
        index,
        event("c1", EventKind.APP_ENDED, 1L, "final_draft").setStatus(AppStatus.COMPLETED).build());
    assertThat(index.detail("job").orElseThrow().get("live_output")).isEmpty();
  }

  @Test
  void anApplicationIsRunningUntilItSaysHowItStoppedHoweverLongItIsQuiet() {
    AppIndex index = new AppIndex();
    apply(index, event("a", EventKind.APP_CREATED, null, null).setGraphName("g").build());
    apply(index, event("a", EventKind.STEP_END, 0L, "start").setEndedAtMs(20L).build());
    assertThat(index.detail("a").orElseThrow().get("status").asText()).isEqualTo("running");

    apply(
        index,
        event("a", EventKind.APP_ENDED, 0L, "start")
            .setStatus(AppStatus.HALTED)
            .setNextAction("approve")
            .build());
    JsonNode halted = index.detail("a").orElseThrow();
    assertThat(halted.get("status").asText()).isEqualTo("halted");
    assertThat(halted.get("halted_before").asText()).isEqualTo("approve");

    apply(index, event("a", EventKind.STEP_START, 1L, "approve").build());
    assertThat(index.detail("a").orElseThrow().get("status").asText())
        .as("resumed")
        .isEqualTo("running");
  }

  @Test
  void aQuickStepReportedByItsEndAloneShowsItsInputsAndTimes() {
    AppIndex index = new AppIndex();
    apply(index, event("a", EventKind.APP_CREATED, null, null).setGraphName("g").build());
    apply(
        index,
        event("a", EventKind.STEP_END, 0L, "tick")
            .setInputs(StateCodec.fromMap(Map.of("n", 7L)))
            .setStartedAtMs(10L)
            .setEndedAtMs(12L)
            .build());

    JsonNode step = index.detail("a").orElseThrow().get("steps").get(0);
    assertThat(step.get("inputs").get("n").asLong()).isEqualTo(7L);
    assertThat(step.get("action").asText()).isEqualTo("tick");
    assertThat(step.get("duration_ms").asLong()).isEqualTo(2L);
    assertThat(step.get("attempts").asInt()).isEqualTo(1);
  }

  @Test
  void aJobIdSubmittedAgainKeepsItsGraph() {
    AppIndex index = new AppIndex();
    apply(
        index,
        event("job", EventKind.APP_CREATED, null, null)
            .setGraphName("g")
            .setGraph(TrackingEvents.shape(START_FAN))
            .setEntrypoint("start")
            .build());
    apply(index, TrackingEvents.duplicateSubmission("job", "coordinator", 2_000));
    apply(index, TrackingEvents.jobAccepted("job", "g", "coordinator", 3_000));

    JsonNode job = index.detail("job").orElseThrow();
    assertThat(job.get("graph_svg").asText())
        .contains("data-action=\"start\"")
        .doesNotContain("no graph recorded");
    assertThat(job.get("mermaid").asText()).contains("n_start --> n_fan");
  }

  @Test
  void theGraphIsDrawnWithLoopsAndTheCurrentActionHighlighted() {
    GraphView poem =
        new GraphView(
            List.of(
                new GraphView.ActionView("write", false, List.of(), List.of(), List.of()),
                new GraphView.ActionView("edit", false, List.of(), List.of(), List.of()),
                new GraphView.ActionView("final_draft", false, List.of(), List.of(), List.of())),
            List.of(
                new GraphView.TransitionView("write", "edit", "num_drafts < max_drafts"),
                new GraphView.TransitionView("write", "final_draft", "default"),
                new GraphView.TransitionView("edit", "final_draft", "feedback == \"\""),
                new GraphView.TransitionView("edit", "write", "default")));
    String svg = GraphSvg.render(poem, "write", Set.of("write", "edit"), "edit");
    assertThat(svg)
        .startsWith("<svg")
        .endsWith("</svg>")
        .contains(
            "class=\"node visited current\" data-action=\"edit\"",
            "class=\"node visited\" data-action=\"write\"",
            "class=\"node\" data-action=\"final_draft\"",
            "num_drafts &lt; max_drafts",
            "feedback == &quot;&quot;",
            "data-from=\"edit\" data-to=\"write\"");
  }

  /** {@code step}'s end, as a worker of job "job" reports it. */
  private static void stepEnded(AppIndex index, StepEnd step) {
    apply(index, TrackingEvents.stepEnded(step, null, "job", "w", null));
  }

  private static void apply(AppIndex index, TrackingEvent e) {
    KafkaEventStore.apply(index, e);
  }

  private static TrackingEvent.Builder event(
      String appId, EventKind kind, Long seq, String action) {
    return TrackingEvent.newBuilder()
        .setAppId(appId)
        .setKind(kind)
        .setSequenceId(seq)
        .setAction(action)
        .setPayload(StateCodec.fromMap(Map.of()))
        .setTimestampMs(1_000)
        .setWorkerId("test");
  }

  private static JsonNode get(UiServer ui, String path) throws Exception {
    HttpResponse<String> r = raw(ui, path);
    assertThat(r.statusCode()).as(path + ": " + r.body()).isEqualTo(200);
    return JSON.readTree(r.body());
  }

  private static HttpResponse<String> raw(UiServer ui, String path) throws Exception {
    return HttpClient.newHttpClient()
        .send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + ui.port() + path)).build(),
            HttpResponse.BodyHandlers.ofString());
  }
}
