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

  public static WorkerConfig of(ClusterConfig cluster) {
    return new WorkerConfig(
        cluster,
        DEFAULT_GROUP,
        "worker-" + UUID.randomUUID().toString().substring(0, 8),
        16,
        Duration.ofSeconds(6));
  }

  public WorkerConfig withConcurrency(int concurrency) {
    return new WorkerConfig(cluster, groupId, workerId, concurrency, sessionTimeout);
  }

  public WorkerConfig withWorkerId(String workerId) {
    return new WorkerConfig(cluster, groupId, workerId, concurrency, sessionTimeout);
  }
}
