package io.bramble.core.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import org.junit.jupiter.api.Test;

class HaltTest {
  private static final Graph GRAPH =
      Graph.builder()
          .withActions(
              Action.builder("ask").writes("q").tags("human").update((s, in) -> s.update("q", 1)),
              Action.builder("answer").writes("a").update((s, in) -> s.update("a", 1)))
          .withTransition("ask", "answer")
          .build();

  @Test
  void withinKeepsTheNamesAndTagsTheGraphHas() {
    Halt halt = Halt.before("ask", "elsewhere", "@tag:human", "@tag:robot").andAfter("answer", "x");
    Halt within = halt.within(GRAPH);
    assertThat(within.beforeActions()).containsExactly("ask", "@tag:human");
    assertThat(within.afterActions()).containsExactly("answer");
    assertThat(Halt.after("x").within(GRAPH)).isEqualTo(Halt.never());
  }

  @Test
  void andStopsWhereEitherStops() {
    Halt both = Halt.before("ask").and(Halt.after("answer").andBefore("answer"));
    assertThat(both.beforeActions()).containsExactly("ask", "answer");
    assertThat(both.afterActions()).containsExactly("answer");
  }
}
