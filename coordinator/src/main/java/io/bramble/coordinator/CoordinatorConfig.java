package io.bramble.coordinator;

import io.bramble.runtime.ClusterConfig;
import java.nio.file.Path;

/**
 * A coordinator's settings. {@code commitIntervalMs}: under exactly-once, tasks and results the
 * coordinator writes become visible only when its transaction commits, so every hop of a job waits
 * up to one commit interval; 50 ms keeps a fan-out/join round trip well under a second while
 * committing a handful of transactions per second (Streams' EOS default is 100 ms).
 */
public record CoordinatorConfig(
    ClusterConfig cluster, String applicationId, Path stateDir, long commitIntervalMs) {
  public static final long DEFAULT_COMMIT_INTERVAL_MS = 50;

  public static CoordinatorConfig of(ClusterConfig cluster, Path stateDir) {
    return new CoordinatorConfig(
        cluster, cluster.topics().prefix() + "coordinator", stateDir, DEFAULT_COMMIT_INTERVAL_MS);
  }
}
