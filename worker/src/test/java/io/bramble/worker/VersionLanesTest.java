package io.bramble.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.runtime.ClusterConfig;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.Task;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The version rules of a worker: which version a job takes, and which tasks it hands on. */
class VersionLanesTest {
  private static GraphProvider flow(String version) {
    Graph graph =
        Graph.builder()
            .withActions(Action.builder("a").writes("x").update((s, in) -> s.update("x", 1)))
            .build();
    return new GraphProvider() {
      @Override
      public String name() {
        return "flow";
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
        return "a";
      }
    };
  }

  private final VersionLanes lanes =
      new VersionLanes(
          ClusterConfig.of("localhost:1", "http://localhost:1"),
          GraphRegistry.of(flow("1"), flow("2")));

  private static Task task(String graph, String version) {
    return Task.newBuilder()
        .setTaskId("job@0")
        .setAppId("job")
        .setRootAppId("job")
        .setGraph(graph)
        .setGraphVersion(version)
        .setState(StateCodec.fromMap(Map.of()))
        .build();
  }

  @Test
  void aJobsFirstTaskTakesTheNewestVersionHereAndAPinnedOneKeepsItsOwn() {
    assertThat(lanes.pinned(task("flow", null)).getGraphVersion()).isEqualTo("2");
    assertThat(lanes.pinned(task("flow", "1")).getGraphVersion()).isEqualTo("1");
    assertThat(lanes.pinned(task("other", null)).getGraphVersion())
        .as("a graph not here: its run fails, naming it")
        .isNull();
  }

  @Test
  void onlyATaskOfAVersionNotHereGoesToThatVersionsLaneOfItsPool() {
    assertThat(lanes.laneOf(task("flow", "1"))).isNull();
    assertThat(lanes.laneOf(task("flow", null))).isNull();
    assertThat(lanes.laneOf(task("flow", "3"))).isEqualTo("bramble.lanes.default.flow.3");
    assertThat(lanes.laneOf(task("other", "1")))
        .as("a graph this worker lacks at any version, pinned: another worker may have it")
        .isEqualTo("bramble.lanes.default.other.1");
    assertThat(lanes.laneOf(task("flow", "3 beta")))
        .as("a version that cannot name a topic: the run fails, naming it")
        .isNull();
  }

  @Test
  void aWorkerReadsTheLanesOfTheVersionsItHas() {
    assertThat(lanes.lanesOf("default"))
        .containsExactly("bramble.lanes.default.flow.1", "bramble.lanes.default.flow.2");
  }
}
