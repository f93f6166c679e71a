package io.bramble.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DeclaredInputsTest {
  // ask (requires answer) → check (optional retries) → done; ask → skip (optional reason)
  // fan_out hands its children tone (a parallel step passes on only the inputs it declares)
  private static final Graph CHILD =
      Graph.builder()
          .withActions(
              Action.builder("draft").optionalInputs("tone").update((s, in) -> s.update("d", 1)))
          .build();
  private static final Graph GRAPH =
      Graph.builder()
          .withActions(
              Action.builder("start").inputs("topic").update((s, in) -> s.update("t", 1)),
              Action.builder("ask").inputs("answer").update((s, in) -> s.update("a", 1)),
              Action.builder("check").optionalInputs("retries").update((s, in) -> s.update("c", 1)),
              Action.builder("skip").optionalInputs("reason").update((s, in) -> s.update("k", 1)),
              MapStates.builder("fan_out")
                  .subGraph(RunnableGraph.of(CHILD, "draft"))
                  .optionalInputs("tone")
                  .states((s, in) -> List.of(s))
                  .reduce((s, children) -> s)
                  .build(),
              Action.builder("done").update((s, in) -> s))
          .withTransition("start", "ask")
          .withTransition("ask", "check", Condition.when("a", 1))
          .withTransition("ask", "skip")
          .withTransition("check", "done")
          .withTransition("skip", "done")
          .withTransition("done", "fan_out")
          .build();

  @Test
  void anAppInFrontOfAnActionTakesWhatItAndEveryActionAfterItTake() {
    DeclaredInputs inputs = DeclaredInputs.of(GRAPH, "ask");

    assertThat(inputs.required()).containsExactly("answer");
    assertThat(inputs.accepted()).containsExactly("answer", "reason", "retries", "tone");
    assertThat(DeclaredInputs.fromAvro(inputs.toAvro())).isEqualTo(inputs);
  }

  @Test
  void anInputOnlyAnEarlierActionTakesIsNotTakenAnyMore() {
    assertThatThrownBy(
            () -> DeclaredInputs.of(GRAPH, "ask").check(Set.of("answer", "topic"), "the resume"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "input 'topic' is taken by no action from 'ask' on (they take: [answer, reason,"
                + " retries, tone]; is it misspelt?)");
  }

  @Test
  void aRequiredInputLeftOutIsRefusedNamingTheActionAndTheInputsGiven() {
    assertThatThrownBy(() -> DeclaredInputs.of(GRAPH, "ask").check(Set.of("retries"), "the resume"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "action 'ask' requires input 'answer', which the resume does not give (inputs given:"
                + " [retries])");
  }

  @Test
  void inputsTheActionsTakeAreAccepted() {
    DeclaredInputs.of(GRAPH, "ask").check(Set.of("answer", "tone", "reason"), "the resume");
    DeclaredInputs.of(GRAPH, "done").check(Set.of(), "the resume");
  }

  @Test
  void anActionNoneOfWhoseSuccessorsTakeInputsSaysSo() {
    DeclaredInputs.of(CHILD, "draft").check(Set.of("tone"), "the resume");
    Graph single = Graph.builder().withActions(Action.builder("only").update((s, in) -> s)).build();

    assertThatThrownBy(() -> DeclaredInputs.of(single, "only").check(Set.of("x"), "the job"))
        .hasMessageContaining("(they take: no inputs; is it misspelt?)");
  }
}
