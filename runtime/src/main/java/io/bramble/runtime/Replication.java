package io.bramble.runtime;

import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.TopicConfig;

/**
 * How many copies of each topic Bramble creates (its own and Kafka Streams' internal ones) the
 * cluster keeps, and how many must hold a write before it counts ({@code min.insync.replicas}).
 * Unset, both are the brokers' defaults. Set, a factor of 3 or more asks for 2 in-sync replicas
 * unless told otherwise: one broker may then die without losing an acknowledged write or stopping
 * writes.
 *
 * @param factor replicas of each partition, or {@link #BROKER_DEFAULT}
 * @param minInsyncReplicas replicas that must acknowledge a write, or {@link #BROKER_DEFAULT}
 */
public record Replication(int factor, int minInsyncReplicas) {
  public static final int BROKER_DEFAULT = -1;

  /** The brokers' {@code default.replication.factor} and {@code min.insync.replicas}. */
  public static final Replication DEFAULTS = new Replication(BROKER_DEFAULT, BROKER_DEFAULT);

  public Replication {
    if (factor != BROKER_DEFAULT && (factor < 1 || factor > Short.MAX_VALUE)) {
      throw new IllegalArgumentException(
          "replication factor must be between 1 and " + Short.MAX_VALUE + ": " + factor);
    }
    if (minInsyncReplicas != BROKER_DEFAULT && minInsyncReplicas < 1) {
      throw new IllegalArgumentException(
          "min.insync.replicas must be at least 1: " + minInsyncReplicas);
    }
    if (factor == BROKER_DEFAULT && minInsyncReplicas != BROKER_DEFAULT) {
      // The brokers' default factor may be smaller: topics no write could reach.
      throw new IllegalArgumentException(
          "min.insync.replicas needs a replication factor set beside it");
    }
    if (factor != BROKER_DEFAULT && minInsyncReplicas > factor) {
      throw new IllegalArgumentException(
          "min.insync.replicas "
              + minInsyncReplicas
              + " is more than the replication factor "
              + factor
              + ": no write could succeed");
    }
  }

  /** {@code factor} replicas, 2 of them in sync when there are 3 or more, else 1. */
  public static Replication of(int factor) {
    return new Replication(factor, factor >= 3 ? 2 : 1);
  }

  public boolean factorSet() {
    return factor != BROKER_DEFAULT;
  }

  /** The factor for {@code NewTopic}: empty for the broker's default. */
  public Optional<Short> newTopicFactor() {
    return factorSet() ? Optional.of((short) factor) : Optional.empty();
  }

  /** The topic configs this adds to a topic Bramble creates. */
  public Map<String, String> topicConfigs() {
    return minInsyncReplicas == BROKER_DEFAULT
        ? Map.of()
        : Map.of(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(minInsyncReplicas));
  }

  @Override
  public String toString() {
    return (factorSet() ? Integer.toString(factor) : "broker default")
        + " replicas, "
        + (minInsyncReplicas == BROKER_DEFAULT
            ? "broker default"
            : Integer.toString(minInsyncReplicas))
        + " in sync";
  }
}
