package io.bramble.runtime.values;

import io.bramble.runtime.ClusterConfig;

/** Opens the value store a cluster's configuration names. */
public final class ValueStores {
  private ValueStores() {}

  /**
   * The store of {@code cluster}'s large state values, its clients named after {@code clientId}.
   */
  public static ValueStore open(ClusterConfig cluster, String clientId) {
    ValueStoreConfig config = cluster.values();
    return switch (config.kind()) {
      case ValueStoreConfig.S3_KIND -> new S3ValueStore(config.s3());
      default -> new KafkaValueStore(cluster, clientId);
    };
  }
}
