package io.bramble.core.graph;

import static io.bramble.core.graph.Condition.and;
import static io.bramble.core.graph.Condition.expr;
import static io.bramble.core.graph.Condition.not;
import static io.bramble.core.graph.Condition.or;
import static io.bramble.core.graph.Condition.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.action.Action;
import io.bramble.core.state.State;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConditionTest {

  @Test
  void whenMatchesAllGivenKeysNumbersWidened() {
    Condition c = when("a", 1, "b", "x");
    assertThat(c.test(State.of("a", 1L, "b", "x"), "from")).isTrue();
    assertThat(c.test(State.of("a", 1, "b", "y"), "from")).isFalse();
  }

  @Test
  void exprIsAPredicateOverNamedKeys() {
    Condition big = expr("n > 10", s -> s.getLong("n") > 10, "n");
    assertThat(big.test(State.of("n", 11), "from")).isTrue();
    assertThat(big.test(State.of("n", 10), "from")).isFalse();
    assertThat(big.keys()).containsExactly("n");
  }

  @Test
  void notAndOrCombine() {
    Condition a = when("a", true);
    Condition b = when("b", true);
    State s = State.of("a", true, "b", false);
    assertThat(and(a, b).test(s, "x")).isFalse();
    assertThat(or(a, b).test(s, "x")).isTrue();
    assertThat(not(b).test(s, "x")).isTrue();
    assertThat(a.and(b.negate()).test(s, "x")).isTrue();
    assertThat(and(a, not(b)).description()).isEqualTo("(a=true and not(b=true))");
  }

  @Test
  void defaultIsAlwaysTrue() {
    assertThat(Condition.DEFAULT.test(State.empty(), "x")).isTrue();
  }

  @Test
  void aConditionReadingAMissingKeyIsAnErrorNamingKeyAndTransition() {
    assertThatThrownBy(() -> when("done", true).test(State.of("other", 1), "edit"))
        .isInstanceOf(GraphException.class)
        .hasMessageContaining("reads key 'done'")
        .hasMessageContaining("from 'edit'");
  }

  @Test
  void transitionsAreCheckedInDeclarationOrderFirstTrueWins() {
    Action a = Action.builder("a").update((s, in) -> s);
    Action b = Action.builder("b").update((s, in) -> s);
    Action c = Action.builder("c").update((s, in) -> s);
    Graph g =
        Graph.builder()
            .withActions(a, b, c)
            .withTransition("a", "b", when("x", 1))
            .withTransition("a", "c", when("x", 1))
            .withTransition("a", "c")
            .build();
    assertThat(g.next("a", State.of("x", 1))).isEqualTo("b");
    assertThat(g.next("a", State.of("x", 2))).isEqualTo("c");
    assertThat(g.next("b", State.of("x", 2))).isNull();
  }

  @Test
  void anExpressionNamesItsKeysOnceAndReadsLikeBurrs() {
    Condition c = expr("count < max_count and not done");
    assertThat(c.keys()).containsExactlyInAnyOrder("count", "max_count", "done");
    assertThat(c.description()).isEqualTo("count < max_count and not done");
    assertThat(c.test(State.of("count", 2, "max_count", 3, "done", false), "loop")).isTrue();
    assertThat(c.test(State.of("count", 3, "max_count", 3, "done", false), "loop")).isFalse();
    assertThat(c.test(State.of("count", 1, "max_count", 3, "done", true), "loop")).isFalse();
  }

  @Test
  void expressionsCompareNumbersAcrossTypesTextAndNullAndDoArithmetic() {
    assertThat(expr("x == 1").test(State.of("x", 1.0), "a")).isTrue();
    assertThat(expr("name == 'ada' or name == \"bob\"").test(State.of("name", "bob"), "a"))
        .isTrue();
    assertThat(expr("feedback != null").test(State.of("feedback", null), "a")).isFalse();
    assertThat(expr("(n + 1) % 2 == 0 and n * 2 >= 6").test(State.of("n", 3), "a")).isTrue();
    assertThat(expr("-n < 0").test(State.of("n", 3), "a")).isTrue();
  }

  @Test
  void aBareKeyIsTruthyAsInPython() {
    Condition c = expr("items");
    assertThat(c.test(State.of("items", List.of()), "a")).isFalse();
    assertThat(c.test(State.of("items", List.of(1)), "a")).isTrue();
    assertThat(expr("not text").test(State.of("text", ""), "a")).isTrue();
  }

  @Test
  void aMalformedExpressionIsRefusedWhenTheGraphIsBuiltNamingIt() {
    assertThatThrownBy(() -> expr("count <"))
        .isInstanceOf(GraphException.class)
        .hasMessageContaining("cannot read condition 'count <'");
    assertThatThrownBy(() -> expr("(a or b")).hasMessageContaining("'(' is not closed");
    assertThatThrownBy(() -> expr("a ? b")).hasMessageContaining("unexpected character '?'");
  }

  @Test
  void orderingValuesThatCannotBeOrderedNamesTheCondition() {
    assertThatThrownBy(() -> expr("a < b").test(State.of("a", "x", "b", 1), "loop"))
        .isInstanceOf(GraphException.class)
        .hasMessageContaining("condition 'a < b' cannot order String x and Long 1");
  }
}
