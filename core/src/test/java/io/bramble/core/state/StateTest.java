package io.bramble.core.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateTest {

  @Test
  void operationsReturnNewStatesAndLeaveTheOriginalUnchanged() {
    State s = State.of("a", 1);
    State t = s.update("b", "x");
    assertThat(s.keys()).containsExactly("a");
    assertThat(t.asMap()).containsExactly(Map.entry("a", 1L), Map.entry("b", "x"));
  }

  @Test
  void updateUpserts() {
    State s = State.of("a", 1, "b", 2).update(Map.of("b", 3, "c", 4));
    assertThat(s.get("b")).isEqualTo(3L);
    assertThat(s.get("c")).isEqualTo(4L);
  }

  @Test
  void numbersAreWidenedToLongAndDouble() {
    State s = State.of("i", 1, "f", 1.5f, "sh", (short) 2);
    assertThat(s.get("i")).isEqualTo(1L);
    assertThat(s.get("f")).isEqualTo(1.5d);
    assertThat(s.get("sh")).isEqualTo(2L);
  }

  @Test
  void updateRejectsValuesThatAreNotJsonLikeNamingKeyAndType() {
    assertThatThrownBy(() -> State.empty().update("when", new Date()))
        .isInstanceOf(StateException.class)
        .hasMessageContaining("'when'")
        .hasMessageContaining("java.util.Date");
    assertThatThrownBy(() -> State.empty().update("nested", Map.of("inner", List.of(new Object()))))
        .hasMessageContaining("nested.inner[0]")
        .hasMessageContaining("java.lang.Object");
  }

  @Test
  void stateIsDeeplyImmutable() {
    List<Object> list = new ArrayList<>(List.of(1, 2));
    State s = State.of("l", list);
    list.add(3);
    assertThat(s.getList("l")).containsExactly(1L, 2L);
    assertThatThrownBy(() -> s.getList("l").add(4L))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> s.asMap().put("x", 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void appendCreatesTheListIfMissingAndExtendsAnExistingOne() {
    State s = State.empty().append("l", "a").append("l", "b").extend("l", List.of("c", "d"));
    assertThat(s.getList("l")).containsExactly("a", "b", "c", "d");
  }

  @Test
  void appendToANonListIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> State.of("n", 3).append("n", 4))
        .isInstanceOf(StateException.class)
        .hasMessageContaining("'n'")
        .hasMessageContaining("not a List");
  }

  @Test
  void incrementCreatesFromZeroAndRejectsNonIntegers() {
    assertThat(State.empty().increment("c").increment("c", 5).get("c")).isEqualTo(6L);
    assertThatThrownBy(() -> State.of("c", 1.5).increment("c"))
        .hasMessageContaining("'c'")
        .hasMessageContaining("not an integer");
  }

  @Test
  void wipeDeletesOrKeepsButNotBoth() {
    State s = State.of("a", 1, "b", 2, "c", 3);
    assertThat(s.wipe(List.of("a"), null).keys()).containsExactly("b", "c");
    assertThat(s.wipe(null, List.of("c")).keys()).containsExactly("c");
    assertThatThrownBy(() -> s.wipe(List.of("a"), List.of("b"))).hasMessageContaining("not both");
  }

  @Test
  void mergeLetsTheOtherStateWin() {
    State merged = State.of("a", 1, "b", 2).merge(State.of("b", 20, "c", 30));
    assertThat(merged).isEqualTo(State.of("a", 1, "b", 20, "c", 30));
  }

  @Test
  void subsetKeepsOnlyTheGivenKeysThatExist() {
    assertThat(State.of("a", 1, "b", 2).subset("b", "z")).isEqualTo(State.of("b", 2));
  }

  @Test
  void internalKeysCannotBeSetByCallers() {
    assertThatThrownBy(() -> State.empty().update("__SEQUENCE_ID", 1))
        .hasMessageContaining("'__SEQUENCE_ID'")
        .hasMessageContaining("internal");
    assertThatThrownBy(() -> State.of("__x", 1)).hasMessageContaining("'__x'");
    assertThatThrownBy(() -> State.empty().append("__l", 1)).hasMessageContaining("'__l'");
  }

  @Test
  void internalKeysSurviveUserOperationsButNotWithoutInternal() {
    State s = StateInternals.withStep(State.of("a", 1), 3, "act");
    assertThat(s.wipe(null, List.of()).asMap()).containsKeys(State.SEQUENCE_ID, State.PRIOR_STEP);
    assertThat(s.userValues()).containsOnlyKeys("a");
    assertThat(StateInternals.withoutInternal(s)).isEqualTo(State.of("a", 1));
  }

  @Test
  void equalityComparesBytesByContentAndMapsRegardlessOfOrder() {
    Map<String, Object> m1 = new LinkedHashMap<>();
    m1.put("x", 1);
    m1.put("y", new byte[] {1, 2});
    Map<String, Object> m2 = new LinkedHashMap<>();
    m2.put("y", new byte[] {1, 2});
    m2.put("x", 1L);
    assertThat(State.of(m1)).isEqualTo(State.of(m2)).hasSameHashCodeAs(State.of(m2));
    assertThat(State.of("b", new byte[] {1})).isNotEqualTo(State.of("b", new byte[] {2}));
  }

  @Test
  void toStringIsReadable() {
    State s = State.of("name", "Ada", "tags", List.of("x", "y"), "n", 3);
    assertThat(s).hasToString("State{name=\"Ada\", tags=[\"x\", \"y\"], n=3}");
  }

  @Test
  void typedGetterNamesTheKeyWhenMissingOrOfAnotherType() {
    State s = State.of("n", 3);
    assertThatThrownBy(() -> s.get("m", Long.class)).hasMessageContaining("no key 'm'");
    assertThatThrownBy(() -> s.getString("n")).hasMessageContaining("'n' holds Long, not String");
  }

  @Test
  void toStringShowsTheUsersKeysOnly() {
    State s = StateInternals.withStep(State.of("a", 1, "b", "x"), 3, "act");

    assertThat(s.toString()).contains("a", "b").doesNotContain("__");
  }
}
