package io.bramble.runtime;

import io.bramble.core.runtime.Pools;
import io.bramble.schemas.BrambleSchemas;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Bramble's topic names under one prefix (default {@code bramble.}). */
public record Topics(String prefix) {
  public static final String DEFAULT_PREFIX = BrambleSchemas.DEFAULT_TOPIC_PREFIX;

  /** How long the streams topic keeps partial results: for following jobs live, not for keeps. */
  public static final Duration STREAM_RETENTION = Duration.ofHours(1);

  /**
   * How long an app's cancellation stays readable on the checkpoints topic (its tombstone follows
   * at once), for a task of it still queued: the topic's {@code min.compaction.lag.ms}, and how
   * long a worker remembers one it read.
   */
  public static final Duration CANCELLATIONS_READABLE = Duration.ofHours(1);

  public static Topics defaults() {
    return new Topics(DEFAULT_PREFIX);
  }

  public String jobs() {
    return prefix + "jobs";
  }

  public String tasks() {
    return prefix + "tasks";
  }

  /** The tasks topic of {@code pool}: {@link #tasks()} for the default pool. */
  public String tasks(String pool) {
    return Pools.DEFAULT.equals(pool) ? tasks() : tasks() + "." + pool;
  }

  /** The pool whose tasks topic {@code topic} is, or null when it is none. */
  public String poolOf(String topic) {
    if (topic.equals(tasks())) {
      return Pools.DEFAULT;
    }
    String prefix = tasks() + ".";
    return topic.startsWith(prefix) && topic.length() > prefix.length()
        ? topic.substring(prefix.length())
        : null;
  }

  /**
   * A pool's tasks of graph {@code graph} at {@code version} that reached a worker without that
   * version: only the pool's workers that have it take them. Null when the names cannot make a
   * topic name (the graph's must be letters, digits, {@code _} and {@code -}; the version's may add
   * dots).
   */
  public String lane(String pool, String graph, String version) {
    if (!LANE_GRAPH.matcher(graph).matches() || !LANE_VERSION.matcher(version).matches()) {
      return null;
    }
    return prefix + "lanes." + pool + "." + graph + "." + version;
  }

  /** A version lane: the pool, graph and version whose tasks it holds. */
  public record Lane(String pool, String graph, String version) {
    /** As people read it: {@code default with graph poems version 1}. */
    @Override
    public String toString() {
      return pool + " with graph " + graph + " version " + version;
    }
  }

  /** The lane {@code topic} is, or null when it is none. */
  public Lane laneOf(String topic) {
    String lanes = prefix + "lanes.";
    if (!topic.startsWith(lanes)) {
      return null;
    }
    String[] parts = topic.substring(lanes.length()).split("\\.", 3);
    return parts.length == 3 ? new Lane(parts[0], parts[1], parts[2]) : null;
  }

  private static final java.util.regex.Pattern LANE_GRAPH =
      java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,80}");
  private static final java.util.regex.Pattern LANE_VERSION =
      java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,40}");

  public String fanouts() {
    return prefix + "fanouts";
  }

  public String results() {
    return prefix + "results";
  }

  public String checkpoints() {
    return prefix + "checkpoints";
  }

  public String jobResults() {
    return prefix + "job-results";
  }

  public String events() {
    return prefix + "events";
  }

  /**
   * Partial results of running steps, keyed by root app id (see {@link StreamPartitions}); kept for
   * {@link #STREAM_RETENTION} only.
   */
  public String streams() {
    return prefix + "streams";
  }

  /** State values too large for a record, chunked (the default value store), compacted. */
  public String values() {
    return prefix + "values";
  }

  /**
   * The outcomes of joins too wide for the task that reduces them, in pages ({@code
   * io.bramble.schemas.avro.JoinedPage}); one partition (a page's reader finds it there by time),
   * compacted (the coordinator removes a job's pages when it completes).
   */
  public String joined() {
    return prefix + "joined";
  }

  /**
   * The jobs the coordinator cancelled, one record to each partition (co-partitioned with {@link
   * #jobs()}); written by the coordinator only, so a client cannot forge one.
   */
  public String cancellations() {
    return prefix + "cancellations";
  }

  /**
   * The jobs being moved to another version of their graph ({@code
   * io.bramble.schemas.avro.Migration}), compacted; written by the coordinator only, read whole by
   * every worker.
   */
  public String migrations() {
    return prefix + "migrations";
  }

  public String dlq() {
    return prefix + "dlq";
  }

  public List<String> all() {
    return all(Set.of());
  }

  /** Every topic, with the tasks topics of {@code pools} besides the default pool's. */
  public List<String> all(Collection<String> pools) {
    List<String> all =
        new ArrayList<>(
            List.of(
                jobs(),
                tasks(),
                fanouts(),
                results(),
                checkpoints(),
                jobResults(),
                events(),
                streams(),
                values(),
                joined(),
                cancellations(),
                migrations(),
                dlq()));
    new TreeSet<>(pools).stream().map(this::tasks).filter(t -> !all.contains(t)).forEach(all::add);
    return all;
  }

  /** Topics compacted by key: only the latest record per app id matters. */
  public List<String> compacted() {
    return List.of(checkpoints(), jobResults(), values(), joined(), migrations());
  }
}
