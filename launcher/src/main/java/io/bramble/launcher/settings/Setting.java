package io.bramble.launcher.settings;

import io.bramble.llm.ChatModels;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Every setting a Bramble process reads, with its flag, environment variable, properties-file key
 * and default: the one registry of Bramble's environment variables. Commands read settings only
 * through {@link Configuration} with one of these, so the set of variables Bramble understands is
 * this enum; an unknown {@code BRAMBLE_*} variable is reported at start-up, and the README's
 * configuration table and the compose files are checked against it by tests.
 */
public enum Setting {
  CONFIG(
      "--config",
      "BRAMBLE_CONFIG",
      null,
      "",
      "a properties file with the settings below and Kafka client properties"),
  BOOTSTRAP_SERVERS(
      "--bootstrap-servers",
      "BRAMBLE_BOOTSTRAP_SERVERS",
      "bootstrap.servers",
      "localhost:9092",
      "Kafka bootstrap servers"),
  REGISTRY_URL(
      "--registry-url",
      "BRAMBLE_REGISTRY_URL",
      "schema.registry.url",
      "http://localhost:8081",
      "schema registry URL"),
  TOPIC_PREFIX(
      "--topic-prefix", "BRAMBLE_TOPIC_PREFIX", "topic.prefix", "bramble.", "topic name prefix"),
  PARTITIONS(
      "--partitions",
      "BRAMBLE_PARTITIONS",
      "partitions",
      "4",
      "partitions of topics Bramble creates"),
  REPLICATION_FACTOR(
      "--replication-factor",
      "BRAMBLE_REPLICATION_FACTOR",
      "replication.factor",
      "the brokers' default",
      "replicas of every topic Bramble creates (its own, Kafka Streams' internal ones)"),
  MIN_INSYNC_REPLICAS(
      "--min-insync-replicas",
      "BRAMBLE_MIN_INSYNC_REPLICAS",
      "min.insync.replicas",
      "2 for a replication factor of 3 or more, else 1",
      "replicas that must hold a write to a topic Bramble creates before it counts"),
  WORKER_CONCURRENCY(
      "worker/dev --concurrency",
      "BRAMBLE_WORKER_CONCURRENCY",
      "worker.concurrency",
      "64",
      "tasks one worker runs at once"),
  WORKER_CHECKPOINT_INTERVAL_MS(
      "worker/dev --checkpoint-interval-ms",
      "BRAMBLE_WORKER_CHECKPOINT_INTERVAL_MS",
      "worker.checkpoint.interval.ms",
      "100",
      "how often a task run writes its app's checkpoint (0: after every step)"),
  WORKER_POOLS(
      "worker --pools",
      "BRAMBLE_WORKER_POOLS",
      "worker.pools",
      "default",
      "the pools whose tasks a worker runs, comma-separated"),
  WORKER_POOL_CONCURRENCY(
      "worker --pool-concurrency",
      "BRAMBLE_WORKER_POOL_CONCURRENCY",
      "worker.pool.concurrency",
      "",
      "tasks a worker runs at once per pool, as POOL=N,… (others: the concurrency above)"),
  WORKER_ID(
      "worker --worker-id",
      "BRAMBLE_WORKER_ID",
      "worker.id",
      "random",
      "a worker's name in logs and client ids"),
  STATE_DIR(
      "coordinator --state-dir",
      "BRAMBLE_STATE_DIR",
      "state.dir",
      ".bramble/coordinator",
      "the coordinator's local state stores (a cache, rebuilt from changelog topics)"),
  COMMIT_INTERVAL_MS(
      "coordinator/dev --commit-interval-ms",
      "BRAMBLE_COMMIT_INTERVAL_MS",
      "commit.interval.ms",
      "10",
      "the coordinator's exactly-once commit interval"),
  COORDINATOR_SESSION_TIMEOUT_MS(
      "coordinator --session-timeout-ms",
      "BRAMBLE_COORDINATOR_SESSION_TIMEOUT_MS",
      "coordinator.session.timeout.ms",
      "3000",
      "how long a coordinator that stopped answering keeps its partitions (failover time)"),
  COORDINATOR_STANDBY_REPLICAS(
      "coordinator --standby-replicas",
      "BRAMBLE_COORDINATOR_STANDBY_REPLICAS",
      "coordinator.standby.replicas",
      "1",
      "copies of each partition's state kept warm on other coordinator instances"),
  HEALTH_PORT(
      "--health-port",
      "BRAMBLE_HEALTH_PORT",
      "health.port",
      "8090 (coordinator), 8091 (worker)",
      "HTTP port of /health/live and /health/ready; 0 disables"),
  HEALTH_HOST(
      "coordinator/worker --health-host",
      "BRAMBLE_HEALTH_HOST",
      "health.host",
      "127.0.0.1",
      "address of the health and metrics server (0.0.0.0: every interface)"),
  UI_PORT("ui --port", "BRAMBLE_UI_PORT", "ui.port", "8080", "HTTP port of the web UI"),
  UI_HOST(
      "ui --host",
      "BRAMBLE_UI_HOST",
      "ui.host",
      "127.0.0.1",
      "address the web UI listens on (0.0.0.0: every interface)"),
  UI_ALLOW_RESUME(
      "ui/dev --allow-resume",
      "BRAMBLE_UI_ALLOW_RESUME",
      "ui.allow-resume",
      "false",
      "a halted app's page offers a form that resumes it (anyone who reaches the UI can answer)"),
  DATA_DIR(
      "dev --data-dir",
      "BRAMBLE_DATA_DIR",
      "data.dir",
      ".bramble",
      "where bramble dev keeps its data"),
  DEV_WORKERS(
      "dev --workers", "BRAMBLE_DEV_WORKERS", "dev.workers", "2", "workers bramble dev runs"),
  KAFKA_PORT("dev --port", "BRAMBLE_KAFKA_PORT", "kafka.port", "9092", "bramble dev's Kafka port"),
  REGISTRY_PORT(
      "dev --registry-port",
      "BRAMBLE_REGISTRY_PORT",
      "registry.port",
      "8081",
      "bramble dev's schema registry port"),
  VALUES_STORE(
      null,
      "BRAMBLE_VALUES_STORE",
      "values.store",
      "kafka",
      "where state values too large for a record are kept: kafka (the values topic) or s3 (a bucket)"),
  VALUES_THRESHOLD_BYTES(
      null,
      "BRAMBLE_VALUES_THRESHOLD_BYTES",
      "values.threshold.bytes",
      "16384",
      "a state value of this many bytes or more is kept in the value store, records carry a reference"),
  VALUES_MAX_BYTES(
      null,
      "BRAMBLE_VALUES_MAX_BYTES",
      "values.max.bytes",
      "67108864",
      "the largest state value kept; a larger one fails its step, naming its key and size"),
  VALUES_S3_BUCKET(
      null, "BRAMBLE_VALUES_S3_BUCKET", "values.s3.bucket", "", "the s3 value store's bucket"),
  VALUES_S3_ENDPOINT(
      null,
      "BRAMBLE_VALUES_S3_ENDPOINT",
      "values.s3.endpoint",
      "AWS",
      "the s3 value store's endpoint, for an S3-compatible server (MinIO, Ceph, …)"),
  VALUES_S3_REGION(
      null, "BRAMBLE_VALUES_S3_REGION", "values.s3.region", "us-east-1", "the bucket's region"),
  VALUES_S3_PATH_STYLE(
      null,
      "BRAMBLE_VALUES_S3_PATH_STYLE",
      "values.s3.path-style",
      "false",
      "path-style bucket URLs (most S3-compatible servers need true); credentials come from the"
          + " AWS SDK's default chain (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, a profile, a role)"),
  LLM_BASE_URL(
      null,
      ChatModels.BASE_URL,
      null,
      "",
      "bramble-llm (the poems example, a graph's ChatModels.fromEnvironment()): an OpenAI-compatible endpoint (unset: offline model)"),
  LLM_API_KEY(null, ChatModels.API_KEY, null, "", "bramble-llm: the endpoint's API key"),
  LLM_MODEL(null, ChatModels.MODEL, null, ChatModels.DEFAULT_MODEL, "bramble-llm: the model"),
  LLM_TIMEOUT_S(
      null,
      ChatModels.TIMEOUT_S,
      null,
      Integer.toString(ChatModels.DEFAULT_TIMEOUT_S),
      "bramble-llm: seconds one call may take"),
  LLM_MAX_RETRIES(
      null,
      ChatModels.MAX_RETRIES,
      null,
      Integer.toString(ChatModels.DEFAULT_MAX_RETRIES),
      "bramble-llm: retries of a call that hit a rate limit, a timeout or a server error"),
  CLASSPATH(
      "--classpath",
      "BRAMBLE_CLASSPATH",
      null,
      "",
      "jars holding graphs (':'-separated; jars, class folders, DIR/*), read by every command"),
  JAVA_OPTS(
      null,
      "BRAMBLE_JAVA_OPTS",
      null,
      "-Xmx1g (bin/bramble), none (image)",
      "JVM options, read by bin/bramble and the image's bramble script");

  private final String flag;
  private final String env;
  private final String fileKey;
  private final String defaultValue;
  private final String description;

  Setting(String flag, String env, String fileKey, String defaultValue, String description) {
    this.flag = flag;
    this.env = env;
    this.fileKey = fileKey;
    this.defaultValue = defaultValue;
    this.description = description;
  }

  /** The flag, with the command it belongs to when only one has it; null when there is none. */
  public String flag() {
    return flag;
  }

  public String env() {
    return env;
  }

  /** The properties-file key; empty when the setting is not read from the file. */
  public Optional<String> fileKey() {
    return Optional.ofNullable(fileKey);
  }

  /** The default as documented. */
  public String defaultValue() {
    return defaultValue;
  }

  public String description() {
    return description;
  }

  /** Every environment variable Bramble reads. */
  public static Set<String> environmentVariables() {
    return Arrays.stream(values()).map(Setting::env).collect(Collectors.toCollection(TreeSet::new));
  }

  /** The properties-file keys that are Bramble's own (not passed to Kafka clients). */
  public static Set<String> fileKeys() {
    return Arrays.stream(values())
        .map(s -> s.fileKey)
        .filter(Objects::nonNull)
        .collect(Collectors.toCollection(TreeSet::new));
  }
}
