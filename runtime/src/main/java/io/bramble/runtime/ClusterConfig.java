package io.bramble.runtime;

import io.bramble.schemas.registry.SchemaRegistryClient;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where the cluster is and how to talk to it: bootstrap servers, schema registry, topic prefix and
 * partitions, and extra client properties (SASL/SSL and the like) given to every Kafka client.
 */
public record ClusterConfig(
    String bootstrapServers,
    String registryUrl,
    Topics topics,
    int partitions,
    Map<String, String> clientProperties) {

  public ClusterConfig {
    clientProperties = Map.copyOf(clientProperties);
  }

  public static ClusterConfig of(String bootstrapServers, String registryUrl) {
    return new ClusterConfig(bootstrapServers, registryUrl, Topics.defaults(), 4, Map.of());
  }

  public ClusterConfig withTopics(Topics topics) {
    return new ClusterConfig(bootstrapServers, registryUrl, topics, partitions, clientProperties);
  }

  public ClusterConfig withPartitions(int partitions) {
    return new ClusterConfig(bootstrapServers, registryUrl, topics, partitions, clientProperties);
  }

  /**
   * Base properties for any Kafka client: bootstrap servers plus the extra client properties
   * (without the registry's own {@code basic.auth.user.info}).
   */
  public Map<String, Object> clientProps() {
    Map<String, Object> p = new HashMap<>(clientProperties);
    p.remove("basic.auth.user.info");
    p.put("bootstrap.servers", bootstrapServers);
    return p;
  }

  /**
   * A client of this cluster's schema registry, with basic auth when {@code basic.auth.user.info}
   * is given.
   */
  public SchemaRegistryClient schemaRegistry() {
    SchemaRegistryClient.Builder b = SchemaRegistryClient.builder(registryUrl);
    String userInfo = clientProperties.get("basic.auth.user.info");
    if (userInfo != null) {
      b.basicAuth(userInfo);
    }
    return b.build();
  }

  /** Secrets (passwords, JAAS configs, registry credentials) are shown as [hidden]. */
  @Override
  public String toString() {
    Map<String, String> shown = new TreeMap<>();
    clientProperties.forEach((k, v) -> shown.put(k, isSecret(k) ? "[hidden]" : v));
    return "ClusterConfig[bootstrapServers="
        + bootstrapServers
        + ", registryUrl="
        + registryUrl
        + ", topics="
        + topics.prefix()
        + "*, partitions="
        + partitions
        + ", clientProperties="
        + shown
        + "]";
  }

  private static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    return k.contains("password")
        || k.contains("jaas")
        || k.contains("user.info")
        || k.contains("secret")
        || k.endsWith(".key");
  }
}
