package io.bramble.core.graph;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.action.Action;
import org.junit.jupiter.api.Test;

class GraphTest {
  private final Action write = Action.builder("write").update((s, in) -> s);
  private final Action edit = Action.builder("edit").update((s, in) -> s);

  @Test
  void aTransitionToAnUnknownActionIsRejectedNamingIt() {
    assertThatThrownBy(
            () -> Graph.builder().withActions(write).withTransition("write", "edit").build())
        .isInstanceOf(GraphException.class)
        .hasMessageContaining("unknown action 'edit'");
  }

  @Test
  void twoActionsWithOneNameAreRejected() {
    assertThatThrownBy(
            () -> Graph.builder().withActions(write, Action.builder("write").update((s, i) -> s)))
        .hasMessageContaining("two actions are named 'write'");
  }

  @Test
  void rendersMermaidWithConditionsAsLabels() {
    Graph g =
        Graph.builder()
            .withActions(write, edit)
            .withTransition("write", "edit")
            .withTransition("edit", "write", Condition.when("done", false))
            .build();
    assertThat(g.toMermaid())
        .isEqualTo(
            """
        flowchart TD
          n_write["write"]
          n_edit["edit"]
          n_write --> n_edit
          n_edit -- "done=false" --> n_write
        """);
  }

  @Test
  void rendersGraphvizDot() {
    Graph g =
        Graph.builder()
            .withActions(write, edit)
            .withTransition("write", "edit", Condition.expr("len(x) > 1", s -> true, "x"))
            .build();
    assertThat(g.toDot())
        .startsWith("digraph bramble {")
        .contains("\"write\";", "\"edit\";", "\"write\" -> \"edit\" [label=\"len(x) > 1\"];")
        .endsWith("}\n");
  }
}
