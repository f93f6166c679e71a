package io.bramble.coordinator;

import io.bramble.runtime.Topics;
import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pools whose tasks topics exist, where a task can be sent. The coordinator reads no graph, so
 * it learns the pools from the cluster: workers create the tasks topic of every pool their graphs
 * use. Looked up again when a pool is not known yet (a new pool's first task), so a pool is never
 * refused for being newer than the last look.
 */
final class PoolTopics {
  private static final Logger log = LoggerFactory.getLogger(PoolTopics.class);

  private final Topics topics;
  private final Admin admin;
  private volatile Set<String> known = Set.of();
  private volatile Set<String> lanes = Set.of();

  PoolTopics(Topics topics, Admin admin) {
    this.topics = topics;
    this.admin = admin;
  }

  /**
   * Whether {@code pool} has a tasks topic. A pool not known yet is looked up once more; when the
   * cluster cannot be asked, it is taken to exist (a passing fault must not fail an app for good).
   */
  boolean exists(String pool) {
    if (known.contains(pool)) {
      return true;
    }
    Set<String> found = refresh();
    return found == null || found.contains(pool);
  }

  /** Looks at the cluster's topics again; the pools found, or null if it cannot. */
  Set<String> refresh() {
    try {
      Set<String> names = admin.listTopics().names().get(5, TimeUnit.SECONDS);
      lanes = names.stream().filter(t -> topics.laneOf(t) != null).collect(Collectors.toSet());
      known = poolsIn(names);
      return known;
    } catch (ExecutionException | TimeoutException e) {
      log.warn("could not list the tasks topics of the pools: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return null;
  }

  /** The version lanes ({@link Topics#lane}) found by the last {@link #refresh}. */
  Set<String> lanes() {
    return lanes;
  }

  private Set<String> poolsIn(Collection<String> topicNames) {
    Set<String> pools = new TreeSet<>();
    for (String t : topicNames) {
      String pool = topics.poolOf(t);
      if (pool != null) {
        pools.add(pool);
      }
    }
    return Set.copyOf(pools);
  }
}
