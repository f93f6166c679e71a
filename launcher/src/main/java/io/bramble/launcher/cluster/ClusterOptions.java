package io.bramble.launcher.cluster;

import io.bramble.schemas.kafka.ClusterConfig;
import io.bramble.schemas.kafka.Topics;
import io.bramble.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where the cluster is, for every command that talks to one. Each setting comes from its flag,
 * else its environment variable, else the properties file, else the default. Keys of the
 * properties file that are not Bramble's own are passed to every Kafka client (SASL, SSL, …).
 */
public final class ClusterOptions {
  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE) CommandLine.Model.CommandSpec spec;

  @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (env BRAMBLE_BOOTSTRAP_SERVERS, file bootstrap.servers; default localhost:9092).")
  String bootstrapServers;

  @Option(names = "--registry-url", paramLabel = "URL",
      description = "Schema registry URL (env BRAMBLE_REGISTRY_URL, file schema.registry.url; default http://localhost:8081).")
  String registryUrl;

  @Option(names = "--topic-prefix", paramLabel = "PREFIX",
      description = "Topic name prefix (env BRAMBLE_TOPIC_PREFIX, file topic.prefix; default bramble.).")
  String topicPrefix;

  @Option(names = "--partitions", paramLabel = "N",
      description = "Partitions of topics Bramble creates (env BRAMBLE_PARTITIONS, file partitions; default 4).")
  Integer partitions;

  @Option(names = "--client-property", paramLabel = "KEY=VALUE",
      description = "A property for every Kafka client, e.g. security.protocol=SASL_SSL (repeatable).")
  Map<String, String> clientProperties = new LinkedHashMap<>();

  @Option(names = "--config", paramLabel = "FILE",
      description = "A properties file (env BRAMBLE_CONFIG) with the settings above and client properties.")
  Path configFile;

  private static final java.util.Set<String> OWN_KEYS = java.util.Set.of(
      "bootstrap.servers", "schema.registry.url", "topic.prefix", "partitions");

  /** The settings resolved against {@code env}. */
  public ClusterConfig resolve(Map<String, String> env) {
    Path file = configFile != null ? configFile : env.containsKey("BRAMBLE_CONFIG") ? Path.of(env.get("BRAMBLE_CONFIG")) : null;
    Properties props = new Properties();
    if (file != null) {
      try (Reader r = Files.newBufferedReader(file)) {
        props.load(r);
      } catch (IOException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), "cannot read config file " + file + ": " + e.getMessage());
      }
    }
    String bootstrap = pick(bootstrapServers, env.get("BRAMBLE_BOOTSTRAP_SERVERS"), props.getProperty("bootstrap.servers"), "localhost:9092");
    String registry = pick(registryUrl, env.get("BRAMBLE_REGISTRY_URL"), props.getProperty("schema.registry.url"), "http://localhost:8081");
    String prefix = pick(topicPrefix, env.get("BRAMBLE_TOPIC_PREFIX"), props.getProperty("topic.prefix"), Topics.DEFAULT_PREFIX);
    String parts = pick(partitions == null ? null : partitions.toString(), env.get("BRAMBLE_PARTITIONS"),
        props.getProperty("partitions"), "4");
    int n;
    try {
      n = Integer.parseInt(parts.trim());
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), "partitions must be a number, got '" + parts + "'");
    }
    if (n < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "partitions must be at least 1, got " + n);
    }
    Map<String, String> client = new LinkedHashMap<>();
    props.stringPropertyNames().stream().filter(k -> !OWN_KEYS.contains(k)).sorted()
        .forEach(k -> client.put(k, props.getProperty(k)));
    client.putAll(clientProperties);
    return new ClusterConfig(bootstrap, registry, new Topics(prefix), n, client);
  }

  /** A registry client for {@code cluster}, with basic auth when {@code basic.auth.user.info} is given. */
  public static SchemaRegistryClient registry(ClusterConfig cluster) {
    SchemaRegistryClient.Builder b = SchemaRegistryClient.builder(cluster.registryUrl());
    String userInfo = cluster.clientProperties().get("basic.auth.user.info");
    if (userInfo != null) {
      b.basicAuth(userInfo);
    }
    return b.build();
  }

  private static String pick(String flag, String env, String file, String fallback) {
    if (flag != null) {
      return flag;
    }
    if (env != null && !env.isBlank()) {
      return env;
    }
    return file != null ? file : fallback;
  }
}
