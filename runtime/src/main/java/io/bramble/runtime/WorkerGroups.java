package io.bramble.runtime;

import io.bramble.core.runtime.Pools;

/**
 * The workers' consumer groups, one per pool: the default pool's workers are {@value #DEFAULT}, a
 * pool's are {@code bramble-workers.<pool>}. The coordinator watches them to tell when a pool's
 * tasks have no worker.
 */
public final class WorkerGroups {
  public static final String DEFAULT = "bramble-workers";

  private WorkerGroups() {}

  public static String of(String pool) {
    return Pools.DEFAULT.equals(pool) ? DEFAULT : DEFAULT + "." + pool;
  }
}
