package io.bramble.core.parallel;

import io.bramble.core.action.Action;
import io.bramble.core.application.Halt;
import io.bramble.core.graph.Graph;
import io.bramble.core.graph.GraphException;
import io.bramble.core.runtime.Pools;
import java.util.List;
import java.util.Optional;

/**
 * A sub-application's graph with where it starts and after which actions (or {@code @tag:NAME}) it
 * stops, and optionally the pool its children run in when distributed (see {@link Pools}). A single
 * action is a graph of one action that halts after itself.
 */
public record RunnableGraph(
    Graph graph, String entrypoint, List<String> haltAfter, Optional<String> pool) {
  public RunnableGraph {
    graph.action(entrypoint);
    haltAfter = List.copyOf(haltAfter);
    Halt.of(List.of(), haltAfter).validate(graph);
    pool.flatMap(p -> Pools.problem(p, "the sub-graph starting at '" + entrypoint + "'"))
        .ifPresent(
            problem -> {
              throw new GraphException(problem);
            });
  }

  public RunnableGraph(Graph graph, String entrypoint, List<String> haltAfter) {
    this(graph, entrypoint, haltAfter, Optional.empty());
  }

  public static RunnableGraph of(Graph graph, String entrypoint, String... haltAfter) {
    return new RunnableGraph(graph, entrypoint, List.of(haltAfter));
  }

  public static RunnableGraph of(Action action) {
    return new RunnableGraph(
        Graph.builder().withActions(action).build(), action.name(), List.of(action.name()));
  }

  /**
   * This sub-graph with its children running in {@code pool} (their actions that name a pool of
   * their own run there).
   */
  public RunnableGraph pool(String pool) {
    return new RunnableGraph(graph, entrypoint, haltAfter, Optional.of(pool));
  }
}
