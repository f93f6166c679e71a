package io.bramble.worker;

import io.bramble.runtime.ClusterConfig;
import java.time.Duration;
import java.util.UUID;

/**
 * A worker's settings. The session timeout is 6 s, the broker's default minimum ({@code
 * group.min.session.timeout.ms}), so that a dead worker's tasks move to the survivors in seconds;
 * tasks run on their own threads, so heartbeats never wait for a long task.
 */
public record WorkerConfig(
    ClusterConfig cluster,
    String groupId,
    String workerId,
    int concurrency,
    Duration sessionTimeout) {
  public static final String DEFAULT_GROUP = "bramble-workers";

  /**
   * Tasks run at once. A task spends most of its time waiting for the broker to acknowledge its
   * checkpoints and its outcome, so a worker runs many: measured in {@code bramble bench
   * throughput}, 64 moved 2,730 child tasks/s where 16 moved 2,265.
   */
  public static final int DEFAULT_CONCURRENCY = 64;

  public static WorkerConfig of(ClusterConfig cluster) {
    return new WorkerConfig(
        cluster,
        DEFAULT_GROUP,
        "worker-" + UUID.randomUUID().toString().substring(0, 8),
        DEFAULT_CONCURRENCY,
        Duration.ofSeconds(6));
  }

  public WorkerConfig withConcurrency(int concurrency) {
    return new WorkerConfig(cluster, groupId, workerId, concurrency, sessionTimeout);
  }

  public WorkerConfig withWorkerId(String workerId) {
    return new WorkerConfig(cluster, groupId, workerId, concurrency, sessionTimeout);
  }
}
