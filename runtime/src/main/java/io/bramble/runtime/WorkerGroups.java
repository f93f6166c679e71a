package io.bramble.runtime;

import io.bramble.core.runtime.Pools;

/**
 * The workers' consumer groups, one per pool, under the topic prefix so that two deployments on one
 * cluster never share one: the default pool's workers are {@code <prefix>workers} ({@code
 * bramble.workers}), a pool's are {@code <prefix>workers.<pool>}. The coordinator watches them to
 * tell when a pool's tasks have no worker.
 */
public final class WorkerGroups {
  /** The default pool's group before groups followed the prefix, whatever the prefix. */
  static final String LEGACY_DEFAULT = "bramble-workers";

  private WorkerGroups() {}

  public static String of(Topics topics, String pool) {
    String group = topics.prefix() + "workers";
    return Pools.DEFAULT.equals(pool) ? group : group + "." + pool;
  }

  /**
   * The group {@code pool}'s workers used before groups followed the prefix (the same for every
   * prefix): a worker adopts its offsets once ({@link LegacyWorkerOffsets}).
   */
  public static String legacy(String pool) {
    return Pools.DEFAULT.equals(pool) ? LEGACY_DEFAULT : LEGACY_DEFAULT + "." + pool;
  }
}
