package io.bramble.worker;

import io.bramble.core.runtime.Pools;
import io.bramble.runtime.ClusterConfig;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A worker's settings: the pools it serves, each with how many of its tasks run at once. The
 * session timeout is 6 s, the broker's default minimum ({@code group.min.session.timeout.ms}), so
 * that a dead worker's tasks move to the survivors in seconds; tasks run on their own threads, so
 * heartbeats never wait for a long task.
 */
public record WorkerConfig(
    ClusterConfig cluster, String workerId, Map<String, Integer> pools, Duration sessionTimeout) {

  /**
   * Tasks run at once. A task spends most of its time waiting for the broker to acknowledge its
   * checkpoints and its outcome, so a worker runs many: measured in {@code bramble bench
   * throughput}, 64 moved 2,730 child tasks/s where 16 moved 2,265.
   */
  public static final int DEFAULT_CONCURRENCY = 64;

  public WorkerConfig {
    if (pools.isEmpty()) {
      throw new IllegalArgumentException("a worker serves at least one pool");
    }
    pools.forEach(
        (pool, concurrency) -> {
          Pools.problem(pool, "the worker")
              .ifPresent(
                  problem -> {
                    throw new IllegalArgumentException(problem);
                  });
          if (concurrency < 1) {
            throw new IllegalArgumentException(
                "pool " + pool + ": concurrency must be at least 1, not " + concurrency);
          }
        });
    pools = Collections.unmodifiableMap(new TreeMap<>(pools));
  }

  /** A worker of the default pool. */
  public static WorkerConfig of(ClusterConfig cluster) {
    return new WorkerConfig(
        cluster,
        "worker-" + UUID.randomUUID().toString().substring(0, 8),
        Map.of(Pools.DEFAULT, DEFAULT_CONCURRENCY),
        Duration.ofSeconds(6));
  }

  /** Every pool served runs {@code concurrency} tasks at once. */
  public WorkerConfig withConcurrency(int concurrency) {
    Map<String, Integer> each = new TreeMap<>();
    pools.keySet().forEach(p -> each.put(p, concurrency));
    return withPools(each);
  }

  /** Serves {@code pools}, each running as many tasks at once as it maps to. */
  public WorkerConfig withPools(Map<String, Integer> pools) {
    return new WorkerConfig(cluster, workerId, pools, sessionTimeout);
  }

  public WorkerConfig withWorkerId(String workerId) {
    return new WorkerConfig(cluster, workerId, pools, sessionTimeout);
  }

  /** Tasks of {@code pool} run at once. */
  public int concurrency(String pool) {
    return pools.get(pool);
  }
}
