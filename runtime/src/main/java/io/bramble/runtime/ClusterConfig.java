package io.bramble.runtime;

import io.bramble.runtime.values.ValueStoreConfig;
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
    Map<String, String> clientProperties,
    ValueStoreConfig values,
    Replication replication) {

  public ClusterConfig {
    clientProperties = Map.copyOf(clientProperties);
  }

  /** A cluster whose topics take the brokers' replication defaults. */
  public ClusterConfig(
      String bootstrapServers,
      String registryUrl,
      Topics topics,
      int partitions,
      Map<String, String> clientProperties,
      ValueStoreConfig values) {
    this(
        bootstrapServers,
        registryUrl,
        topics,
        partitions,
        clientProperties,
        values,
        Replication.DEFAULTS);
  }

  /** A cluster whose large state values go to the default store (its values topic). */
  public ClusterConfig(
      String bootstrapServers,
      String registryUrl,
      Topics topics,
      int partitions,
      Map<String, String> clientProperties) {
    this(
        bootstrapServers,
        registryUrl,
        topics,
        partitions,
        clientProperties,
        ValueStoreConfig.defaults(),
        Replication.DEFAULTS);
  }

  /** This cluster with its large state values kept as {@code values} says. */
  public ClusterConfig withValues(ValueStoreConfig values) {
    return new ClusterConfig(
        bootstrapServers, registryUrl, topics, partitions, clientProperties, values, replication);
  }

  /** This cluster with the topics Bramble creates replicated as {@code replication} says. */
  public ClusterConfig withReplication(Replication replication) {
    return new ClusterConfig(
        bootstrapServers, registryUrl, topics, partitions, clientProperties, values, replication);
  }

  public static ClusterConfig of(String bootstrapServers, String registryUrl) {
    return new ClusterConfig(bootstrapServers, registryUrl, Topics.defaults(), 4, Map.of());
  }

  public ClusterConfig withTopics(Topics topics) {
    return new ClusterConfig(
        bootstrapServers, registryUrl, topics, partitions, clientProperties, values, replication);
  }

  public ClusterConfig withPartitions(int partitions) {
    return new ClusterConfig(
        bootstrapServers, registryUrl, topics, partitions, clientProperties, values, replication);
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
        + ", values="
        + values
        + ", replication="
        + replication
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
