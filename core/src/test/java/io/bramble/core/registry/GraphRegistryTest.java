package io.bramble.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapActions;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.ParallelAction;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.state.State;
import java.util.List;
import org.junit.jupiter.api.Test;

class GraphRegistryTest {
  private static final Action LEAF =
      Action.builder("leaf").writes("y").update((s, in) -> s.update("y", 1));
  private static final RunnableGraph LEAF_GRAPH = RunnableGraph.of(LEAF);

  private static GraphProvider provider(String name, Graph graph, String entrypoint) {
    return new GraphProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Graph graph() {
        return graph;
      }

      @Override
      public String entrypoint() {
        return entrypoint;
      }
    };
  }

  private static GraphProvider nested() {
    ParallelAction inner =
        MapStates.builder("inner")
            .writes("ys")
            .subGraph(LEAF_GRAPH)
            .states((s, in) -> List.of(State.empty()))
            .reduce((s, c) -> s.update("ys", 0))
            .build();
    RunnableGraph middle =
        RunnableGraph.of(Graph.builder().withActions(inner).build(), "inner", "inner");
    ParallelAction outer =
        MapActions.builder("outer")
            .writes("zs")
            .subGraphs(middle, LEAF_GRAPH)
            .reduce((s, c) -> s.update("zs", 0))
            .build();
    return provider("tree", Graph.builder().withActions(outer).build(), "outer");
  }

  @Test
  void subGraphsAreNamedByTheirPathThroughParallelActions() {
    GraphRegistry.Entry tree = GraphRegistry.of(nested()).get("tree", null);
    RunnableGraph middle = tree.resolve("outer/0");
    assertThat(middle.entrypoint()).isEqualTo("inner");
    assertThat(tree.resolve("outer/0/inner/0")).isSameAs(LEAF_GRAPH);
    assertThat(tree.pathOf(middle, "outer")).isEqualTo("outer/0");
    assertThat(tree.resolve(null).entrypoint()).isEqualTo("outer");
  }

  @Test
  void unknownGraphsVersionsAndSubGraphsAreNamedInTheError() {
    GraphRegistry registry = GraphRegistry.of(nested());
    assertThatThrownBy(() -> registry.get("poems", null))
        .isInstanceOf(UnknownGraphException.class)
        .hasMessageContaining("unknown graph 'poems'")
        .hasMessageContaining("[tree]");
    assertThatThrownBy(() -> registry.get("tree", "7"))
        .hasMessageContaining("graph 'tree' version 7 is not here");
    assertThatThrownBy(() -> registry.get("tree", null).resolve("outer/9"))
        .hasMessageContaining("no sub-graph 'outer/9'");
  }

  @Test
  void anUndeclaredSubGraphCannotBeNamed() {
    GraphRegistry.Entry tree = GraphRegistry.of(nested()).get("tree", null);
    assertThatThrownBy(() -> tree.pathOf(RunnableGraph.of(LEAF), "outer"))
        .hasMessageContaining("parallel action 'outer'")
        .hasMessageContaining("does not declare");
  }

  @Test
  void twoProvidersWithOneNameAreRejected() {
    assertThatThrownBy(() -> GraphRegistry.of(nested(), nested()))
        .isInstanceOf(GraphLoadException.class)
        .hasMessageContaining("claims graph 'tree' version 1")
        .hasMessageContaining("already provides");
  }

  private static GraphProvider versioned(String name, String version) {
    Graph graph = Graph.builder().withActions(LEAF).build();
    return new GraphProvider() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public String version() {
        return version;
      }

      @Override
      public Graph graph() {
        return graph;
      }

      @Override
      public String entrypoint() {
        return "leaf";
      }
    };
  }

  @Test
  void versionsOfOneGraphLiveSideBySideAndAJobWithoutOneTakesTheNewest() {
    GraphRegistry registry =
        GraphRegistry.of(versioned("flow", "2"), versioned("flow", "10"), versioned("flow", "1"));

    assertThat(registry.versions("flow")).containsExactly("1", "2", "10");
    assertThat(registry.get("flow", null).version()).as("the newest").isEqualTo("10");
    assertThat(registry.get("flow", "2").version()).as("a pinned one").isEqualTo("2");
    assertThat(registry.names()).containsExactly("flow");
    assertThat(registry.has("flow", "1")).isTrue();
    assertThat(registry.has("flow", "3")).isFalse();
    assertThatThrownBy(() -> registry.get("flow", "3"))
        .isInstanceOf(UnknownGraphException.class)
        .hasMessage("graph 'flow' version 3 is not here (this process has versions 1, 2, 10)");
    assertThatThrownBy(() -> registry.get("flwo", null))
        .isInstanceOf(UnknownGraphException.class)
        .hasMessage("unknown graph 'flwo' (this process has: [flow])");
  }

  @Test
  void versionsAreOrderedPartByPartNumbersAsNumbers() {
    assertThat(
            java.util.stream.Stream.of("1.10", "1.9", "2", "1.9.1", "1", "1.x", "01.2")
                .sorted(GraphVersions.ORDER)
                .toList())
        .containsExactly("1", "01.2", "1.9", "1.9.1", "1.10", "1.x", "2");
  }

  @Test
  void twoSpellingsOfOneNumberAreTwoVersions() {
    GraphRegistry registry = GraphRegistry.of(versioned("flow", "1"), versioned("flow", "01"));
    assertThat(registry.versions("flow")).containsExactly("01", "1");
    assertThat(registry.has("flow", "01")).isTrue();
    assertThat(registry.get("flow", null).version()).isEqualTo("1");
  }

  @Test
  void twoProvidersOfOneNameAndVersionAreRejectedButOfTwoVersionsAreNot() {
    assertThatThrownBy(() -> GraphRegistry.of(versioned("flow", "2"), versioned("flow", "2")))
        .isInstanceOf(GraphLoadException.class)
        .hasMessageContaining("claims graph 'flow' version 2");
    assertThat(GraphRegistry.of(versioned("flow", "1"), versioned("flow", "2")).entries())
        .hasSize(2);
  }
}
