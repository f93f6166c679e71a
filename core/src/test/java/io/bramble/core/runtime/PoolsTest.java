package io.bramble.core.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.action.Action;
import io.bramble.core.application.Application;
import io.bramble.core.application.Halt;
import io.bramble.core.graph.Graph;
import io.bramble.core.graph.GraphException;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoolsTest {
  private static Action step(String name) {
    return Action.builder(name).writes("steps").update((s, in) -> s.increment("steps"));
  }

  private static Action step(String name, String pool) {
    return Action.builder(name).writes("steps").pool(pool).update((s, in) -> s.increment("steps"));
  }

  @Test
  void aPoolThatCannotBePartOfATopicNameIsRefusedWhenTheGraphIsBuiltNamingTheActionAndThePool() {
    assertThatThrownBy(() -> Graph.builder().withActions(step("embed", "g p u")).build())
        .isInstanceOf(GraphException.class)
        .hasMessageContaining("action 'embed'")
        .hasMessageContaining("pool 'g p u'");
    assertThatThrownBy(() -> Graph.builder().withActions(step("embed", "")).build())
        .hasMessageContaining("pool ''");
    Graph g = Graph.builder().withActions(step("embed")).build();
    assertThatThrownBy(() -> RunnableGraph.of(g, "embed").pool("gpu/1"))
        .isInstanceOf(GraphException.class)
        .hasMessageContaining("sub-graph starting at 'embed'")
        .hasMessageContaining("pool 'gpu/1'");
    assertThat(Graph.builder().withActions(step("embed", "gpu_2-x")).build().actions()).hasSize(1);
  }

  @Test
  void aStepRunsInItsActionsPoolElseInItsApplications() {
    assertThat(Pools.ofStep(step("embed", "gpu"), "default")).isEqualTo("gpu");
    assertThat(Pools.ofStep(step("store"), "big-memory")).isEqualTo("big-memory");
  }

  /** outer (children in pool a) → child: inner (sub-graph in pool b) → leaf steps. */
  private static GraphRegistry nested() {
    RunnableGraph leaf =
        RunnableGraph.of(
                Graph.builder()
                    .withActions(step("leaf"), step("leaf_gpu", "gpu"))
                    .withTransition("leaf", "leaf_gpu")
                    .build(),
                "leaf")
            .pool("b");
    Action inner =
        MapStates.builder("inner")
            .subGraph(leaf)
            .states((s, in) -> List.of(State.empty()))
            .reduce((s, c) -> s)
            .build();
    RunnableGraph middle =
        RunnableGraph.of(
            Graph.builder()
                .withActions(step("prepare"), inner)
                .withTransition("prepare", "inner")
                .build(),
            "prepare");
    Action outer =
        MapStates.builder("outer")
            .subGraph(middle)
            .pool("a")
            .states((s, in) -> List.of(State.empty()))
            .reduce((s, c) -> s)
            .build();
    Graph root = Graph.builder().withActions(outer).build();
    return GraphRegistry.of(GraphProvider.of("nested", root, "outer"));
  }

  @Test
  void aChildsPoolIsItsSubGraphsElseItsParallelActionsElseItsParents() {
    GraphRegistry.Entry e = nested().get("nested", null);
    assertThat(e.appPool(null)).isEqualTo(Pools.DEFAULT);
    assertThat(e.appPool("outer/0")).isEqualTo("a");
    assertThat(e.appPool("outer/0/inner/0")).isEqualTo("b");
    assertThat(e.stepPool("outer/0", "prepare")).isEqualTo("a");
    assertThat(e.stepPool("outer/0/inner/0", "leaf")).isEqualTo("b");
    assertThat(e.stepPool("outer/0/inner/0", "leaf_gpu")).isEqualTo("gpu");
    // A parallel action's own step (its map, its reduce) runs with its application.
    assertThat(e.stepPool(null, "outer")).isEqualTo(Pools.DEFAULT);
    assertThat(e.pools()).containsExactly("a", "b", "default", "gpu");
    assertThat(nested().pools()).containsExactly("a", "b", "default", "gpu");
  }

  @Test
  void anApplicationStopsInFrontOfAnActionThatDoesNotRunHereAndLocalRunsIgnorePools() {
    Graph g =
        Graph.builder()
            .withActions(step("retrieve"), step("embed", "gpu"), step("store"))
            .withTransition("retrieve", "embed")
            .withTransition("embed", "store")
            .build();
    Application app =
        Application.builder()
            .withGraph(g)
            .withEntrypoint("retrieve")
            .withState(State.empty())
            .build();

    Seam.Stop stop =
        app.seam()
            .runUntilParallel(
                Halt.never(), a -> Pools.ofStep(a, Pools.DEFAULT).equals(Pools.DEFAULT), Map.of());

    assertThat(stop).isEqualTo(Seam.Stop.CONTINUES);
    assertThat(app.priorAction()).isEqualTo("retrieve");
    assertThat(app.nextAction()).isEqualTo("embed");
    assertThat(
            Application.builder()
                .withGraph(g)
                .withEntrypoint("retrieve")
                .withState(State.empty())
                .build()
                .run()
                .state()
                .getLong("steps"))
        .isEqualTo(3);
  }
}
