package io.bramble.launcher.settings;

import io.bramble.launcher.LauncherContext;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.Replication;
import io.bramble.runtime.Topics;
import io.bramble.runtime.values.ValueStoreConfig;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Where the cluster is, for every command that talks to one. Each setting comes from its flag, else
 * its environment variable, else the properties file, else the default (see {@link Setting} and
 * {@link Configuration}). Keys of the properties file that are not Bramble's own are passed to
 * every Kafka client (SASL, SSL, …); keys that no Kafka client knows are reported at start-up.
 */
public final class ClusterOptions {
  @CommandLine.Spec(CommandLine.Spec.Target.MIXEE)
  CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--bootstrap-servers",
      paramLabel = "HOST:PORT",
      description =
          "Kafka bootstrap servers (env BRAMBLE_BOOTSTRAP_SERVERS, file bootstrap.servers; default localhost:9092).")
  String bootstrapServers;

  @Option(
      names = "--registry-url",
      paramLabel = "URL",
      description =
          "Schema registry URL (env BRAMBLE_REGISTRY_URL, file schema.registry.url; default http://localhost:8081).")
  String registryUrl;

  @Option(
      names = "--topic-prefix",
      paramLabel = "PREFIX",
      description =
          "Topic name prefix (env BRAMBLE_TOPIC_PREFIX, file topic.prefix; default bramble.).")
  String topicPrefix;

  @Option(
      names = "--partitions",
      paramLabel = "N",
      description =
          "Partitions of topics Bramble creates (env BRAMBLE_PARTITIONS, file partitions; default 4).")
  Integer partitions;

  @Option(
      names = "--replication-factor",
      paramLabel = "N",
      description =
          "Replicas of every topic Bramble creates, Kafka Streams' too (env BRAMBLE_REPLICATION_FACTOR, file replication.factor; default: the brokers' default.replication.factor).")
  Integer replicationFactor;

  @Option(
      names = "--min-insync-replicas",
      paramLabel = "N",
      description =
          "Replicas that must hold a write to those topics (env BRAMBLE_MIN_INSYNC_REPLICAS, file min.insync.replicas; default 2 with a replication factor of 3 or more, else 1; without a replication factor, the brokers' default).")
  Integer minInsyncReplicas;

  @Option(
      names = "--client-property",
      paramLabel = "KEY=VALUE",
      description =
          "A property for every Kafka client, e.g. security.protocol=SASL_SSL (repeatable).")
  Map<String, String> clientProperties = new LinkedHashMap<>();

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "A properties file (env BRAMBLE_CONFIG) with the settings above and client properties.")
  Path configFile;

  /**
   * Reads the environment and the properties file, reporting unknown {@code BRAMBLE_*} variables
   * and unknown file keys; commands read their own settings from the result too.
   */
  public Configuration configuration(LauncherContext context) {
    return Configuration.load(
        spec.commandLine(), configFile, context.env(), context.graphSettings());
  }

  /**
   * As {@link #configuration}, for a process that loads no graph (the coordinator): settings no
   * Bramble setting reads are warned about, not refused (they may be the workers' graphs').
   */
  public Configuration configurationWithoutGraphs(LauncherContext context) {
    return Configuration.loadWithoutGraphs(spec.commandLine(), configFile, context.env());
  }

  /** The settings resolved against {@code context}'s environment. */
  public ClusterConfig resolve(LauncherContext context) {
    return resolve(configuration(context));
  }

  /**
   * As {@link #resolve(LauncherContext)}, for a command that talks to a running platform through
   * {@code topic}: fails within seconds, naming the address or topic and the setting, when they
   * lead nowhere ({@link ClusterReach}).
   */
  public ClusterConfig reach(LauncherContext context, Function<Topics, String> topic) {
    ClusterConfig config = resolve(context);
    ClusterReach.check(config, topic.apply(config.topics()));
    return config;
  }

  /**
   * The flags that point a command at {@code cluster}, each with a leading space: those whose value
   * is not the default (empty when every one is).
   */
  public static String flagsFor(ClusterConfig cluster) {
    StringBuilder flags = new StringBuilder();
    flag(flags, Setting.BOOTSTRAP_SERVERS, cluster.bootstrapServers());
    flag(flags, Setting.REGISTRY_URL, cluster.registryUrl());
    flag(flags, Setting.TOPIC_PREFIX, cluster.topics().prefix());
    return flags.toString();
  }

  private static void flag(StringBuilder flags, Setting setting, String value) {
    if (!setting.defaultValue().equals(value)) {
      flags.append(' ').append(setting.flag()).append(' ').append(value);
    }
  }

  /** The cluster settings of {@code conf}, with this command's flags first. */
  public ClusterConfig resolve(Configuration conf) {
    String bootstrap =
        conf.string(
            Setting.BOOTSTRAP_SERVERS, bootstrapServers, Setting.BOOTSTRAP_SERVERS.defaultValue());
    String registry =
        conf.string(Setting.REGISTRY_URL, registryUrl, Setting.REGISTRY_URL.defaultValue());
    String prefix = conf.string(Setting.TOPIC_PREFIX, topicPrefix, Topics.DEFAULT_PREFIX);
    int n = conf.integer(Setting.PARTITIONS, partitions, 4, 1, Integer.MAX_VALUE);
    conf.checkClientProperties(clientProperties);
    Map<String, String> client = new LinkedHashMap<>(conf.clientProperties());
    client.putAll(clientProperties);
    return new ClusterConfig(
        bootstrap, registry, new Topics(prefix), n, client, values(conf), replication(conf));
  }

  /** {@link Setting#REPLICATION_FACTOR} and {@link Setting#MIN_INSYNC_REPLICAS}. */
  private Replication replication(Configuration conf) {
    int factor =
        conf.integer(
            Setting.REPLICATION_FACTOR,
            replicationFactor,
            Replication.BROKER_DEFAULT,
            1,
            Short.MAX_VALUE);
    int fallback =
        factor == Replication.BROKER_DEFAULT
            ? Replication.BROKER_DEFAULT
            : Replication.of(factor).minInsyncReplicas();
    int minInsync =
        conf.integer(Setting.MIN_INSYNC_REPLICAS, minInsyncReplicas, fallback, 1, Short.MAX_VALUE);
    try {
      return new Replication(factor, minInsync);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Where large state values go: {@link Setting#VALUES_STORE} and the settings beside it. */
  private ValueStoreConfig values(Configuration conf) {
    String kind = conf.string(Setting.VALUES_STORE, null, ValueStoreConfig.KAFKA);
    long threshold =
        conf.longValue(
            Setting.VALUES_THRESHOLD_BYTES, null, ValueStoreConfig.DEFAULT_THRESHOLD_BYTES, 1);
    long max =
        conf.longValue(Setting.VALUES_MAX_BYTES, null, ValueStoreConfig.DEFAULT_MAX_BYTES, 1);
    ValueStoreConfig.S3 s3 = null;
    if (ValueStoreConfig.S3_KIND.equals(kind)) {
      s3 =
          new ValueStoreConfig.S3(
              conf.string(Setting.VALUES_S3_ENDPOINT, null, ""),
              conf.string(Setting.VALUES_S3_REGION, null, "us-east-1"),
              conf.string(Setting.VALUES_S3_BUCKET, null, ""),
              null,
              null,
              Boolean.parseBoolean(conf.string(Setting.VALUES_S3_PATH_STYLE, null, "false")));
    }
    try {
      return new ValueStoreConfig(kind, threshold, max, s3);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }
}
