package io.bramble.worker;

import io.bramble.core.runtime.Pools;
import io.bramble.runtime.ClusterConfig;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * A worker's settings: the pools it serves, each with how many of its tasks run at once, and how
 * often a task run writes its app's checkpoint ({@code checkpointInterval}: zero, after every step;
 * see {@link #DEFAULT_CHECKPOINT_INTERVAL}). The session timeout is 6 s, the broker's default
 * minimum ({@code group.min.session.timeout.ms}), so that a dead worker's tasks move to the
 * survivors in seconds; tasks run on their own threads, so heartbeats never wait for a long task.
 */
public record WorkerConfig(
    ClusterConfig cluster,
    String workerId,
    Map<String, Integer> pools,
    Duration sessionTimeout,
    Duration checkpointInterval) {

  /**
   * Tasks run at once. A task spends most of its time waiting for the broker to acknowledge its
   * checkpoints and its outcome, so a worker runs many: measured in {@code bramble bench
   * throughput}, 64 moved 2,730 child tasks/s where 16 moved 2,265.
   */
  public static final int DEFAULT_CONCURRENCY = 64;

  /**
   * A step's checkpoint is written once this long has passed since the task run's last one (or its
   * start); the run's last step's always is, before its outcome. So a step that takes longer (a
   * model call) is always checkpointed, and a worker that dies redoes at most this much of quick
   * steps; a run of quick steps writes one checkpoint, where one per step was the most frequent
   * record of a fan-out (see BENCHMARKS.md, issue 25).
   */
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofMillis(100);

  public WorkerConfig {
    if (checkpointInterval.isNegative()) {
      throw new IllegalArgumentException(
          "the checkpoint interval cannot be negative: " + checkpointInterval);
    }
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
        Duration.ofSeconds(6),
        DEFAULT_CHECKPOINT_INTERVAL);
  }

  /** Every pool served runs {@code concurrency} tasks at once. */
  public WorkerConfig withConcurrency(int concurrency) {
    Map<String, Integer> each = new TreeMap<>();
    pools.keySet().forEach(p -> each.put(p, concurrency));
    return withPools(each);
  }

  /** Serves {@code pools}, each running as many tasks at once as it maps to. */
  public WorkerConfig withPools(Map<String, Integer> pools) {
    return new WorkerConfig(cluster, workerId, pools, sessionTimeout, checkpointInterval);
  }

  /** A task run writes a checkpoint at most once per {@code interval} (zero: every step). */
  public WorkerConfig withCheckpointInterval(Duration interval) {
    return new WorkerConfig(cluster, workerId, pools, sessionTimeout, interval);
  }

  public WorkerConfig withWorkerId(String workerId) {
    return new WorkerConfig(cluster, workerId, pools, sessionTimeout, checkpointInterval);
  }

  /** Tasks of {@code pool} run at once. */
  public int concurrency(String pool) {
    return pools.get(pool);
  }
}
