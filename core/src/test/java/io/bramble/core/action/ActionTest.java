package io.bramble.core.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.application.ActionFailedException;
import io.bramble.core.application.Application;
import io.bramble.core.application.Halt;
import io.bramble.core.application.StepResult;
import io.bramble.core.graph.Transition;
import io.bramble.core.state.State;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ActionTest {

  private static Application single(Action action, State state) {
    return Application.builder()
        .withActions(action)
        .withState(state)
        .withEntrypoint(action.name())
        .build();
  }

  @Test
  void builderActionReturnsItsWritesAsResult() {
    Action count =
        Action.builder("count").reads("n").writes("n").update((s, in) -> s.increment("n"));
    StepResult r = single(count, State.of("n", 1)).step().orElseThrow();
    assertThat(r.result()).containsExactly(Map.entry("n", 2L));
    assertThat(r.state().get("n")).isEqualTo(2L);
  }

  @Test
  void classStyleActionRunsThenUpdates() {
    class Greet extends StepAction {
      Greet() {
        super("greet");
      }

      @Override
      public List<String> reads() {
        return List.of("name");
      }

      @Override
      public List<String> writes() {
        return List.of("greeting");
      }

      @Override
      protected Map<String, Object> run(State state, Map<String, Object> inputs) {
        return Map.of("text", "hello " + state.getString("name"));
      }

      @Override
      protected State update(Map<String, Object> result, State state) {
        return state.update("greeting", result.get("text"));
      }
    }
    StepResult r = single(new Greet(), State.of("name", "Ada")).step().orElseThrow();
    assertThat(r.result()).containsEntry("text", "hello Ada");
    assertThat(r.state().get("greeting")).isEqualTo("hello Ada");
  }

  @Test
  void writingAnUndeclaredKeyIsAnErrorNamingActionAndKey() {
    Action sneaky =
        Action.builder("sneaky").writes("a").update((s, in) -> s.update("a", 1).update("b", 2));
    assertThatThrownBy(() -> single(sneaky, State.empty()).step())
        .isInstanceOf(ActionFailedException.class)
        .hasRootCauseInstanceOf(ActionException.class)
        .hasMessageContaining("action 'sneaky' wrote key 'b'");
  }

  @Test
  void deletingAnUndeclaredKeyIsAnError() {
    Action deleter =
        Action.builder("deleter").writes().update((s, in) -> s.wipe(List.of("keep"), null));
    assertThatThrownBy(() -> single(deleter, State.of("keep", 1)).step())
        .hasMessageContaining("action 'deleter' deleted key 'keep'");
  }

  @Test
  void missingADeclaredWriteIsAnErrorNamingActionAndKey() {
    Action lazy = Action.builder("lazy").writes("a", "b").update((s, in) -> s.update("a", 1));
    assertThatThrownBy(() -> single(lazy, State.empty()).step())
        .hasMessageContaining("action 'lazy' declares write 'b' but did not write it");
  }

  @Test
  void rewritingAnUnchangedValueOfAnUndeclaredKeyIsAllowed() {
    Action same =
        Action.builder("same").writes("a").update((s, in) -> s.update("a", 1).update("b", 2));
    assertThat(single(same, State.of("b", 2)).step().orElseThrow().state().get("a")).isEqualTo(1L);
  }

  @Test
  void inputBuiltInCopiesInputsIntoState() {
    Application app = single(new Input("in", "x", "y"), State.empty());
    StepResult r = app.step(Map.of("x", 1, "y", "two", "z", 3)).orElseThrow();
    assertThat(r.state().userValues()).containsExactly(Map.entry("x", 1L), Map.entry("y", "two"));
  }

  @Test
  void resultBuiltInReturnsStateKeysAndChangesNothing() {
    Application app = single(new Result("out", "a"), State.of("a", 5, "b", 6));
    StepResult r = app.step().orElseThrow();
    assertThat(r.result()).containsExactly(Map.entry("a", 5L));
    assertThat(r.state().userValues()).isEqualTo(State.of("a", 5, "b", 6).asMap());
  }

  @Test
  void actionsAreTaggedAndHaltsSelectByTag() {
    Action a = Action.builder("a").writes("n").update((s, in) -> s.increment("n"));
    Action b =
        Action.builder("b").writes("n").tags("checkpoint").update((s, in) -> s.increment("n"));
    Action c = Action.builder("c").writes("n").update((s, in) -> s.increment("n"));
    Application app =
        Application.builder()
            .withActions(a, b, c)
            .withTransitions(Transition.of("a", "b"), Transition.of("b", "c"))
            .withEntrypoint("a")
            .build();
    assertThat(app.run(Halt.after("@tag:checkpoint"), Map.of()).action()).isEqualTo("b");
    assertThat(b.tags()).containsExactly("checkpoint");
  }
}
