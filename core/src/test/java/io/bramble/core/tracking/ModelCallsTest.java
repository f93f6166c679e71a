package io.bramble.core.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bramble.core.action.Action;
import io.bramble.core.action.RetryPolicy;
import io.bramble.core.application.Application;
import io.bramble.core.state.State;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A step's model calls reach its StepEnd, and the file tracker writes them. */
class ModelCallsTest {
  @Test
  void theCallsAStepMakesOnItsThreadAreItsOwn(@TempDir Path dir) throws Exception {
    Action ask =
        Action.builder("ask")
            .reads("q")
            .writes("a")
            .update(
                (s, in) -> {
                  ModelCalls.record(new ModelCall("m1", 10, 2, 30));
                  ModelCalls.record(new ModelCall("m2", 7, 1, 5));
                  return s.update("a", "yes");
                });
    Action quiet =
        Action.builder("quiet").reads("a").writes("b").update((s, in) -> s.update("b", 1));
    List<StepEnd> ends = new CopyOnWriteArrayList<>();
    Application app =
        Application.builder()
            .withActions(ask, quiet)
            .withTransition("ask", "quiet")
            .withEntrypoint("ask")
            .withState(State.of("q", "?"))
            .withIdentifiers("app-1", null)
            .withHooks(
                new LifecycleHook() {
                  @Override
                  public void afterStep(StepEnd step) {
                    ends.add(step);
                  }
                })
            .withTracker(new LocalFileTracker(dir))
            .build();
    app.run();

    assertThat(ends).extracting(StepEnd::action).containsExactly("ask", "quiet");
    assertThat(ends.get(0).modelCalls())
        .containsExactly(new ModelCall("m1", 10, 2, 30), new ModelCall("m2", 7, 1, 5));
    assertThat(ends.get(1).modelCalls()).as("the next step starts with none").isEmpty();

    JsonNode first =
        new ObjectMapper()
            .readTree(Files.readAllLines(dir.resolve("app-1").resolve("log.jsonl")).get(1));
    assertThat(first.get("type").asText()).isEqualTo("end_entry");
    assertThat(first.get("model_calls")).hasSize(2);
    assertThat(first.get("model_calls").get(0).get("input_tokens").asLong()).isEqualTo(10);
  }

  @Test
  void aCallOutsideAnyStepIsCountedNowhere() {
    ModelCalls.record(new ModelCall("outside", 1, 1, 1));
    try (ModelCalls.Recording step = ModelCalls.start()) {
      assertThat(step.calls()).isEmpty();
    }
  }

  @Test
  void theCallsOfEveryTryOfAStepCountInItsEnd() {
    AtomicInteger tries = new AtomicInteger();
    Action flaky =
        Action.builder("flaky")
            .reads()
            .writes("a")
            .retry(RetryPolicy.attempts(2).backoff(Duration.ZERO, 1, Duration.ZERO))
            .update(
                (s, in) -> {
                  ModelCalls.record(new ModelCall("m", 5, 1, 10));
                  if (tries.incrementAndGet() == 1) {
                    throw new IllegalStateException("the model timed out");
                  }
                  return s.update("a", "ok");
                });
    List<StepEnd> ends = new CopyOnWriteArrayList<>();
    Application.builder()
        .withActions(flaky)
        .withEntrypoint("flaky")
        .withState(State.empty())
        .withHooks(
            new LifecycleHook() {
              @Override
              public void afterStep(StepEnd step) {
                ends.add(step);
              }
            })
        .build()
        .run();

    assertThat(ends).singleElement().satisfies(e -> assertThat(e.modelCalls()).hasSize(2));
  }

  @Test
  void aRecordingRestoresTheOneItReplaced() {
    try (ModelCalls.Recording outer = ModelCalls.start()) {
      try (ModelCalls.Recording inner = ModelCalls.start()) {
        ModelCalls.record(new ModelCall("inner", 1, 1, 1));
        assertThat(inner.calls()).hasSize(1);
      }
      ModelCalls.record(new ModelCall("outer", 2, 2, 2));
      assertThat(outer.calls()).extracting(ModelCall::model).containsExactly("outer");
    }
  }
}
