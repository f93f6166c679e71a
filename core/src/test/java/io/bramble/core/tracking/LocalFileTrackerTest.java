package io.bramble.core.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bramble.core.action.Action;
import io.bramble.core.application.Application;
import io.bramble.core.application.RunResult;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.ParallelAction;
import io.bramble.core.state.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalFileTrackerTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void writesGraphMetadataStepLogAndSpawnLinksPerApp(@TempDir Path dir) throws Exception {
    Action square =
        Action.builder("square")
            .reads("x")
            .writes("y")
            .update((s, in) -> s.update("y", s.getLong("x") * s.getLong("x")));
    ParallelAction squares =
        MapStates.builder("squares")
            .reads("xs")
            .writes("ys")
            .action(square)
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) -> s.update("ys", children.stream().map(c -> c.get("y")).toList()))
            .build();
    LocalFileTracker tracker = new LocalFileTracker(dir);
    Application app =
        Application.builder()
            .withActions(squares)
            .withEntrypoint("squares")
            .withState(State.of("xs", List.of(2, 3)))
            .withIdentifiers("parent", "pk")
            .withTracker(tracker)
            .build();
    RunResult r = app.run();
    assertThat(r.state().getList("ys")).containsExactly(4L, 9L);

    Path parentDir = dir.resolve("parent");
    JsonNode graphJson = JSON.readTree(parentDir.resolve("graph.json").toFile());
    assertThat(graphJson.get("actions").get(0).get("name").asText()).isEqualTo("squares");
    assertThat(graphJson.get("actions").get(0).get("parallel").asBoolean()).isTrue();
    assertThat(
            JSON.readTree(parentDir.resolve("metadata.json").toFile())
                .get("partition_key")
                .asText())
        .isEqualTo("pk");

    List<String> log = Files.readAllLines(parentDir.resolve("log.jsonl"));
    assertThat(log).hasSize(3);
    assertThat(JSON.readTree(log.get(0)).get("type").asText()).isEqualTo("begin_entry");
    JsonNode end = JSON.readTree(log.get(1));
    assertThat(end.get("type").asText()).isEqualTo("end_entry");
    assertThat(end.get("state").get("ys").toString()).isEqualTo("[4,9]");
    JsonNode ended = JSON.readTree(log.get(2));
    assertThat(ended.get("type").asText()).isEqualTo("end_application");
    assertThat(ended.get("status").asText()).isEqualTo("COMPLETED");

    List<String> children = Files.readAllLines(parentDir.resolve("children.jsonl"));
    assertThat(children).hasSize(2);
    String childId = JSON.readTree(children.get(1)).get("child_app_id").asText();
    assertThat(JSON.readTree(children.get(1)).get("child_index").asInt()).isEqualTo(1);
    JsonNode childMeta = JSON.readTree(dir.resolve(childId).resolve("metadata.json").toFile());
    assertThat(childMeta.get("parent").get("app_id").asText()).isEqualTo("parent");
    assertThat(childMeta.get("parent").get("sequence_id").asLong()).isZero();
    assertThat(childMeta.get("partition_key").asText()).isEqualTo("pk");
    List<String> childLog = Files.readAllLines(dir.resolve(childId).resolve("log.jsonl"));
    assertThat(JSON.readTree(childLog.get(1)).get("state").get("y").asLong()).isEqualTo(9);
  }

  @Test
  void aFailedStepRecordsTheException(@TempDir Path dir) throws Exception {
    Action boom =
        Action.builder("boom")
            .update(
                (s, in) -> {
                  throw new IllegalArgumentException("bad thing");
                });
    Application app =
        Application.builder()
            .withActions(boom)
            .withEntrypoint("boom")
            .withIdentifiers("failing", null)
            .withTracker(new LocalFileTracker(dir))
            .build();
    try {
      app.step();
    } catch (RuntimeException expected) {
      // the step failure is what this test records
    }
    List<String> log = Files.readAllLines(dir.resolve("failing").resolve("log.jsonl"));
    assertThat(JSON.readTree(log.get(1)).get("exception").asText()).contains("bad thing");
    JsonNode ended = JSON.readTree(log.get(2));
    assertThat(ended.get("status").asText()).isEqualTo("FAILED");
    assertThat(ended.get("next_action").asText()).as("a rerun runs it again").isEqualTo("boom");
    assertThat(ended.get("error").asText()).contains("bad thing");
  }
}
