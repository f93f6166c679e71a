package io.bramble.worker;

import io.bramble.core.registry.GraphRegistry;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.TopicSetup;
import io.bramble.runtime.Topics;
import io.bramble.schemas.avro.Task;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a task goes that is pinned to a graph version this worker does not have: the version's lane
 * of its pool ({@link Topics#lane}), which only the pool's workers that have the version read. So a
 * rolling upgrade fails nothing: a task of v1 that reaches a worker with only v2 (or the other way
 * round) is handed on to a worker that has its version, and waits in the lane, its job told so by
 * the coordinator, while none has. A job's first task is not pinned yet: any worker with its graph
 * starts it, at its newest version (or the one the job names).
 */
final class VersionLanes implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(VersionLanes.class);

  private final ClusterConfig cluster;
  private final GraphRegistry registry;
  private final Set<String> known = ConcurrentHashMap.newKeySet();
  private volatile Admin admin;

  VersionLanes(ClusterConfig cluster, GraphRegistry registry) {
    this.cluster = cluster;
    this.registry = registry;
  }

  /**
   * The lane {@code task} goes to, or null when this worker runs it: it is not pinned, or this
   * worker has its version, or no lane can be named for it (the run then fails, naming the
   * version).
   */
  String laneOf(Task task) {
    String version = task.getGraphVersion();
    if (version == null || registry.has(task.getGraph(), version)) {
      return null;
    }
    String lane = cluster.topics().lane(task.getPool(), task.getGraph(), version);
    if (lane == null) {
      log.warn(
          "graph '{}' version {} is not here and cannot have a lane (its name or version does not"
              + " fit a topic name); its task fails",
          task.getGraph(),
          version);
    }
    return lane;
  }

  /**
   * {@code task}, pinned: a job's first task takes the newest version of its graph this worker has
   * (its checkpoints, children and later tasks carry it); a pinned task, or one of a graph not
   * here, as it is.
   */
  Task pinned(Task task) {
    if (task.getGraphVersion() != null || !registry.has(task.getGraph(), null)) {
      return task;
    }
    return Task.newBuilder(task)
        .setGraphVersion(registry.get(task.getGraph(), null).version())
        .build();
  }

  /** The lanes of {@code pool} this worker reads: one per graph version it has. */
  List<String> lanesOf(String pool) {
    List<String> lanes = new ArrayList<>();
    for (GraphRegistry.Entry e : registry.entries()) {
      String lane = cluster.topics().lane(pool, e.name(), e.version());
      if (lane != null) {
        lanes.add(lane);
      }
    }
    return lanes;
  }

  /** Creates {@code lane} of {@code pool} unless it is known to exist. */
  void ensure(String lane, String pool) throws InterruptedException, ExecutionException {
    if (known.contains(lane)) {
      return;
    }
    TopicSetup.ensureLane(admin(), lane, cluster.topics().tasks(pool), cluster.replication());
    known.add(lane);
  }

  private synchronized Admin admin() {
    if (admin == null) {
      admin = Admin.create(cluster.clientProps());
    }
    return admin;
  }

  @Override
  public synchronized void close() {
    if (admin != null) {
      admin.close(Duration.ofSeconds(1));
    }
  }
}
