package io.bramble.coordinator;

import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.Topics;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A coordinator's settings. {@code commitIntervalMs}: under exactly-once, tasks and results the
 * coordinator writes become visible only when its transaction commits, so every hop of a job waits
 * up to one commit interval. 10 ms (Streams' EOS default is 100 ms): measured in {@code bramble
 * bench distributed}, 100-child jobs took p50 137 ms at 10 ms and 156 ms at 20 ms; an idle
 * coordinator commits nothing, a busy one at most 100 transactions a second. {@code
 * sessionTimeout}: how long an instance that stopped answering (killed, cut off) keeps its
 * partitions before another takes them over, the most of a failover's time (see {@code bramble
 * bench failover}); brokers refuse one below their {@code group.min.session.timeout.ms}, 6 s by
 * default, so the coordinator takes their minimum when it is higher. {@code standbyReplicas}:
 * copies of each partition's stores kept warm on other instances, so one taking a partition over
 * need not open and restore them (measured: the takeover after a 3 s session, 5.7 s without a
 * standby, 3.4–4.3 s with one); each copy costs another instance its disk and memory and reading
 * the changelogs as they are written. With one instance there is no other to keep it.
 */
public record CoordinatorConfig(
    ClusterConfig cluster,
    String applicationId,
    Path stateDir,
    long commitIntervalMs,
    Duration sessionTimeout,
    int standbyReplicas) {
  public static final long DEFAULT_COMMIT_INTERVAL_MS = 10;

  public static final int DEFAULT_STANDBY_REPLICAS = 1;

  /**
   * 3 s: a failover within 5 s where brokers allow it; where they do not (Kafka's default floor is
   * 6 s), their minimum ({@link SessionTimeouts}).
   */
  public static final Duration DEFAULT_SESSION_TIMEOUT = Duration.ofSeconds(3);

  public static CoordinatorConfig of(ClusterConfig cluster, Path stateDir) {
    return new CoordinatorConfig(
        cluster,
        applicationId(cluster.topics()),
        stateDir,
        DEFAULT_COMMIT_INTERVAL_MS,
        DEFAULT_SESSION_TIMEOUT,
        DEFAULT_STANDBY_REPLICAS);
  }

  /**
   * The coordinator's Streams application id under {@code topics}' prefix: its consumer group, the
   * prefix of its internal topics and of its transactional ids.
   */
  public static String applicationId(Topics topics) {
    return topics.prefix() + "coordinator";
  }

  public CoordinatorConfig withCommitIntervalMs(long commitIntervalMs) {
    return new CoordinatorConfig(
        cluster, applicationId, stateDir, commitIntervalMs, sessionTimeout, standbyReplicas);
  }

  public CoordinatorConfig withSessionTimeout(Duration sessionTimeout) {
    return new CoordinatorConfig(
        cluster, applicationId, stateDir, commitIntervalMs, sessionTimeout, standbyReplicas);
  }

  public CoordinatorConfig withStandbyReplicas(int standbyReplicas) {
    return new CoordinatorConfig(
        cluster, applicationId, stateDir, commitIntervalMs, sessionTimeout, standbyReplicas);
  }

  /** A quarter of {@code session}, at least 250 ms: a lost heartbeat or two is no death. */
  static Duration heartbeatInterval(Duration session) {
    return Duration.ofMillis(Math.max(250, session.toMillis() / 4));
  }
}
