package io.bramble.core.runtime;

import io.bramble.core.action.Action;
import io.bramble.core.parallel.ParallelAction;
import io.bramble.core.parallel.RunnableGraph;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Pools: which workers run a step when an application runs distributed. An application has a pool
 * of its own ({@link #DEFAULT} for a job's root); a step runs in its action's pool when the action
 * names one, else in its application's. A child's own pool is its sub-graph's, else its parallel
 * action's, else its parent's. Local runs ignore pools. Every process derives pools from the same
 * graph code, so they agree on where each step runs.
 */
public final class Pools {
  /** The pool of actions and applications that name none; its workers consume the tasks topic. */
  public static final String DEFAULT = "default";

  /** A pool names a topic ({@code <prefix>tasks.<pool>}), so it is limited to what topics allow. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private Pools() {}

  /**
   * Why {@code pool}, named by {@code owner} (e.g. "action 'embed'"), cannot be a pool; empty if it
   * can.
   */
  public static Optional<String> problem(String pool, String owner) {
    if (pool != null && NAME.matcher(pool).matches()) {
      return Optional.empty();
    }
    return Optional.of(
        owner
            + " names pool '"
            + pool
            + "', which cannot be part of a topic name: use 1 to 64 letters, digits, '_' or '-'");
  }

  /**
   * The pool a step of {@code action} runs in, in an application whose own pool is {@code appPool}.
   * A parallel action's own step (its map, then its reduce) runs with its application: the pool it
   * names is where its children run.
   */
  public static String ofStep(Action action, String appPool) {
    if (action instanceof ParallelAction) {
      return appPool;
    }
    return action.pool().orElse(appPool);
  }

  /**
   * The own pool of a child that runs {@code subGraph} for {@code parallel}, whose parent's own
   * pool is {@code parentPool}.
   */
  public static String ofChild(RunnableGraph subGraph, ParallelAction parallel, String parentPool) {
    return subGraph.pool().or(parallel::pool).orElse(parentPool);
  }
}
