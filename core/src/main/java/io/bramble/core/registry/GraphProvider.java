package io.bramble.core.registry;

import io.bramble.core.graph.Graph;
import io.bramble.core.state.State;
import java.util.List;

/**
 * Makes a graph available by name to every process of a distributed run (found with {@link
 * java.util.ServiceLoader}, listed in {@code
 * META-INF/services/io.bramble.core.registry.GraphProvider}). A message names a graph and version;
 * it never carries code, so a worker can only run what its registry holds.
 */
public interface GraphProvider {
  /** A provider of {@code graph} under {@code name}, starting at {@code entrypoint}, as is. */
  static GraphProvider of(String name, Graph graph, String entrypoint) {
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

  /** The name jobs use, e.g. {@code poems}. */
  String name();

  /** Bump when the graph changes incompatibly; tasks name the version they were made with. */
  default String version() {
    return "1";
  }

  /**
   * How runs of other versions of this graph continue on this one when they are migrated to it
   * ({@code bramble migrate}); by default none is: each stays on the version it started with.
   */
  default GraphMigration migration() {
    return GraphMigration.NONE;
  }

  /** Called once per process; return the same graph every time. */
  Graph graph();

  String entrypoint();

  /** The state a job starts from when it gives none of its own keys. */
  default State defaultState() {
    return State.empty();
  }

  /** Halts applied when a job names none. */
  default List<String> defaultHaltAfter() {
    return List.of();
  }

  /**
   * The settings this graph reads for itself ({@link GraphSetting#value()}): Bramble's processes
   * accept their environment variables and properties-file keys.
   */
  default List<GraphSetting> settings() {
    return List.of();
  }

  /** The settings {@code bramble run NAME} offers as flags, each setting one state key or input. */
  default List<GraphParameter> parameters() {
    return List.of();
  }

  /**
   * The state keys a finished run is about, shown in this order; empty: every key but internal
   * ones.
   */
  default List<String> resultKeys() {
    return List.of();
  }

  /**
   * How progress output names a child application, from its state (e.g. its poem type); null: its
   * app id.
   */
  default String childLabel(State childState) {
    return null;
  }

  /** The final state as text for a person to read, or null for none. */
  default String summary(State finalState) {
    return null;
  }
}
