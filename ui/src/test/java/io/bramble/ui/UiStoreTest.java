package io.bramble.ui;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.bramble.core.application.Application;
import io.bramble.core.tracking.LocalFileTracker;
import io.bramble.examples.poems.OfflinePoemModel;
import io.bramble.examples.poems.Poems;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.TrackingEvent;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
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
    index.appCreated("p", "g", "fan", null, null, null, null, null, 1);
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

  @Test
  void eventsTopicFactsFollowAJoinUntilTheJobIsDone() {
    AtomicLong now = new AtomicLong(1_000);
    AppIndex index = new AppIndex(now::get);
    String mermaid =
        "flowchart TD\n  n_start[\"start\"]\n  n_fan[[\"fan\"]]\n  n_start --> n_fan\n";
    apply(
        index,
        event(
            "job",
            EventKind.APP_CREATED,
            null,
            null,
            Map.of("graph", "g", "entrypoint", "start", "mermaid", mermaid, "root_app_id", "job")));
    apply(
        index,
        event(
            "job",
            EventKind.STEP_START,
            0L,
            "start",
            Map.of("inputs", Map.of("x", 1L), "started_at_ms", 10L)));
    apply(
        index,
        event(
            "job",
            EventKind.STEP_END,
            0L,
            "start",
            Map.of(
                "result",
                Map.of(),
                "state",
                Map.of("x", 1L),
                "started_at_ms",
                10L,
                "ended_at_ms",
                20L)));
    apply(
        index,
        event(
            "job",
            EventKind.FANOUT,
            1L,
            "fan",
            Map.of("total", 3L, "child_app_ids", List.of("a", "b", "c"), "root_app_id", "job")));
    TrackingEvent childCreated =
        TrackingEvent.newBuilder(
                event(
                    "b",
                    EventKind.APP_CREATED,
                    null,
                    null,
                    Map.of(
                        "graph",
                        "g/fan/0",
                        "mermaid",
                        "flowchart TD\n  n_w[\"w\"]\n",
                        "root_app_id",
                        "job")))
            .setParentAppId("job")
            .setParentSequenceId(1L)
            .build();
    apply(index, childCreated);
    apply(
        index,
        event(
            "b",
            EventKind.STEP_END,
            0L,
            "w",
            Map.of(
                "state",
                Map.of("y", 2L),
                "ended_at_ms",
                30L,
                "error",
                "boom",
                "stack_trace",
                "java.lang.IllegalStateException: boom\n\tat x")));
    apply(index, event("job", EventKind.JOIN_PROGRESS, 1L, "fan", Map.of("done", 2L, "total", 3L)));

    JsonNode job = index.detail("job").orElseThrow();
    assertThat(job.get("status").asText()).isEqualTo("running");
    assertThat(job.get("parallel").get(0).get("done").asInt()).isEqualTo(2);
    assertThat(job.get("parallel").get(0).get("total").asInt()).isEqualTo(3);
    assertThat(job.get("parallel").get(0).get("failed").asInt()).isEqualTo(1);
    assertThat(job.get("children").get("failed").asInt()).isEqualTo(1);
    JsonNode b = index.detail("b").orElseThrow();
    assertThat(b.get("status").asText()).isEqualTo("failed");
    assertThat(b.get("parent").get("app_id").asText()).isEqualTo("job");
    assertThat(b.get("child_index").asInt()).isEqualTo(1);
    assertThat(b.get("steps").get(0).get("stack_trace").asText()).contains("IllegalStateException");

    apply(
        index,
        event(
            "job",
            EventKind.JOIN_PROGRESS,
            1L,
            "fan",
            Map.of("done", 3L, "total", 3L, "reduced", true)));
    apply(index, event("job", EventKind.JOB_DONE, 1L, "fan", Map.of("status", "COMPLETED")));
    assertThat(index.detail("job").orElseThrow().get("status").asText()).isEqualTo("completed");
    assertThat(index.detail("job").orElseThrow().get("parallel").get(0).get("reduced").asBoolean())
        .isTrue();
  }

  @Test
  void theGraphIsDrawnWithLoopsAndTheCurrentActionHighlighted() {
    String mermaid =
        "flowchart TD\n  n_write[\"write\"]\n  n_edit[\"edit\"]\n  n_final_draft[\"final_draft\"]\n"
            + "  n_write -- \"num_drafts < max_drafts\" --> n_edit\n  n_write --> n_final_draft\n"
            + "  n_edit -- \"feedback == #quot;#quot;\" --> n_final_draft\n  n_edit --> n_write\n";
    String svg = GraphSvg.render(mermaid, "write", Set.of("write", "edit"), "edit");
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
    assertThat(GraphSvg.isTerminal(mermaid, "final_draft")).isTrue();
    assertThat(GraphSvg.isTerminal(mermaid, "edit")).isFalse();
  }

  private static void apply(AppIndex index, TrackingEvent e) {
    KafkaEventStore.apply(index, e);
  }

  private static TrackingEvent event(
      String appId, EventKind kind, Long seq, String action, Map<String, ?> payload) {
    return TrackingEvent.newBuilder()
        .setAppId(appId)
        .setKind(kind)
        .setSequenceId(seq)
        .setAction(action)
        .setParentAppId(null)
        .setParentSequenceId(null)
        .setPayload(StateCodec.fromMap(new LinkedHashMap<>(payload)))
        .setTimestampMs(1_000)
        .setWorkerId("test")
        .build();
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
