package io.bramble.launcher.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.core.registry.GraphCatalog;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphSetting;
import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.settings.ClientConfigKeys;
import io.bramble.launcher.settings.ClusterOptions;
import io.bramble.launcher.settings.Configuration;
import io.bramble.launcher.settings.Setting;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.Topics;
import io.bramble.runtime.values.ValueStoreConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * One configuration model for every process: flags > environment > properties file > defaults,
 * checked at start-up.
 */
class ConfigurationTest {
  @Command(name = "probe")
  static final class Probe implements Runnable {
    @Mixin ClusterOptions cluster;

    @Override
    public void run() {}
  }

  /** A context with {@code env} and no graphs. */
  static LauncherContext env(Map<String, String> env) {
    return new LauncherContext(
        System.out,
        System.err,
        env,
        () -> GraphCatalog.of(List.of()),
        ThreadPoolParallelExecutor.shared());
  }

  /** A context with {@code env} and one graph declaring setting {@code myflow.suffix}. */
  static LauncherContext withGraphSetting(Map<String, String> env) {
    GraphProvider myflow =
        new GraphProvider() {
          @Override
          public String name() {
            return "myflow";
          }

          @Override
          public Graph graph() {
            return Graph.builder()
                .withActions(Action.builder("a").writes("x").update((st, in) -> st.update("x", 1)))
                .build();
          }

          @Override
          public String entrypoint() {
            return "a";
          }

          @Override
          public List<GraphSetting> settings() {
            return List.of(new GraphSetting("myflow.suffix", "appended"));
          }
        };
    return new LauncherContext(
        System.out,
        System.err,
        env,
        () -> GraphCatalog.of(List.of(myflow)),
        ThreadPoolParallelExecutor.shared());
  }

  private static ClusterOptions parse(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    return probe.cluster;
  }

  @Test
  void flagsWinOverEnvironmentWhichWinsOverTheFileWhichWinsOverDefaults(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("bramble.properties");
    Files.writeString(
        file,
        "bootstrap.servers=file:1\nschema.registry.url=http://file\ntopic.prefix=file.\n"
            + "security.protocol=SASL_SSL\n");
    ClusterConfig c =
        parse("--config", file.toString(), "--bootstrap-servers", "flag:1")
            .resolve(
                env(
                    Map.of(
                        "BRAMBLE_BOOTSTRAP_SERVERS",
                        "env:1",
                        "BRAMBLE_REGISTRY_URL",
                        "http://env")));
    assertThat(c.bootstrapServers()).isEqualTo("flag:1");
    assertThat(c.registryUrl()).isEqualTo("http://env");
    assertThat(c.topics().prefix()).isEqualTo("file.");
    assertThat(c.partitions()).isEqualTo(4);
    assertThat(c.clientProperties()).containsExactly(Map.entry("security.protocol", "SASL_SSL"));
    assertThat(c.clientProps())
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("bootstrap.servers", "flag:1");
  }

  @Test
  void defaultsPointAtALocalDevCluster() {
    ClusterConfig c = parse().resolve(env(Map.of()));
    assertThat(c.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(c.registryUrl()).isEqualTo("http://localhost:8081");
    assertThat(c.topics().jobs()).isEqualTo("bramble.jobs");
  }

  @Test
  void aBadPartitionCountIsNamed() {
    assertThatThrownBy(() -> parse().resolve(env(Map.of("BRAMBLE_PARTITIONS", "many"))))
        .hasMessageContaining("partitions must be a number, got 'many'");
  }

  @Test
  void theCoordinatorLoadsNoGraphSoAGraphsSettingInASharedEnvironmentIsOnlyWarnedAbout() {
    StringWriter err = new StringWriter();
    CommandLine commandLine = new CommandLine(new Probe()).setErr(new PrintWriter(err, true));
    Map<String, String> shared =
        Map.of("BRAMBLE_MYFLOW_SUFFIX", "!", "BRAMBLE_BOOTSTRAP_SERVERS", "broker:9092");

    Configuration conf = Configuration.loadWithoutGraphs(commandLine, null, shared);

    assertThat(conf.string(Setting.BOOTSTRAP_SERVERS, null, "x")).isEqualTo("broker:9092");
    assertThat(err.toString())
        .contains("warning: environment variable BRAMBLE_MYFLOW_SUFFIX is no Bramble setting")
        .contains("this process loads no graph");
    assertThatThrownBy(() -> parse().resolve(env(Map.of("BRAMBLE_MYFLOW_SUFIX", "!"))))
        .as("where graphs are loaded, an unknown variable is still refused")
        .hasMessageContaining("BRAMBLE_MYFLOW_SUFIX");
  }

  @Test
  void theValueStoreIsTheValuesTopicUnlessABucketIsConfigured(@TempDir Path dir) throws Exception {
    assertThat(parse().resolve(env(Map.of())).values()).isEqualTo(ValueStoreConfig.defaults());

    Path file = dir.resolve("bramble.properties");
    Files.writeString(
        file,
        "values.store=s3\nvalues.s3.bucket=agents\nvalues.s3.endpoint=http://minio:9000\n"
            + "values.s3.path-style=true\nvalues.threshold.bytes=4096\n");
    ValueStoreConfig values = parse("--config", file.toString()).resolve(env(Map.of())).values();
    assertThat(values.kind()).isEqualTo("s3");
    assertThat(values.thresholdBytes()).isEqualTo(4096);
    assertThat(values.s3().bucket()).isEqualTo("agents");
    assertThat(values.s3().endpoint()).isEqualTo("http://minio:9000");
    assertThat(values.s3().pathStyle()).isTrue();
  }

  @Test
  void aValueStoreThatCannotWorkIsNamed() {
    assertThatThrownBy(() -> parse().resolve(env(Map.of("BRAMBLE_VALUES_STORE", "s4"))))
        .hasMessageContaining("value store must be kafka or s3, got 's4'");
    assertThatThrownBy(() -> parse().resolve(env(Map.of("BRAMBLE_VALUES_STORE", "s3"))))
        .hasMessageContaining("the s3 value store needs a bucket");
  }

  @Test
  void everySettingFollowsFlagThenEnvironmentThenFileThenDefault(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("bramble.properties");
    Files.writeString(file, "worker.concurrency=8\nhealth.port=9100\nstate.dir=/file/state\n");
    Configuration conf =
        parse("--config", file.toString())
            .configuration(
                env(Map.of("BRAMBLE_HEALTH_PORT", "9200", "BRAMBLE_STATE_DIR", "/env/state")));

    assertThat(conf.integer(Setting.WORKER_CONCURRENCY, 4, 16, 1, 1000)).as("flag").isEqualTo(4);
    assertThat(conf.integer(Setting.WORKER_CONCURRENCY, null, 16, 1, 1000)).as("file").isEqualTo(8);
    assertThat(conf.port(Setting.HEALTH_PORT, null, 8090))
        .as("environment over file")
        .isEqualTo(9200);
    assertThat(conf.path(Setting.STATE_DIR, null, "default")).isEqualTo(Path.of("/env/state"));
    assertThat(conf.port(Setting.UI_PORT, null, 8080)).as("default").isEqualTo(8080);
  }

  @Test
  void theConfigFileMayComeFromTheEnvironment(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bramble.properties");
    Files.writeString(file, "bootstrap.servers=broker:9093\nsecurity.protocol=SSL\n");
    ClusterConfig c = parse().resolve(env(Map.of("BRAMBLE_CONFIG", file.toString())));
    assertThat(c.bootstrapServers()).isEqualTo("broker:9093");
    assertThat(c.clientProperties()).containsExactly(Map.entry("security.protocol", "SSL"));
  }

  @Test
  void kafkaClientStreamsAndRegistryKeysAreAcceptedInTheFile(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bramble.properties");
    Files.writeString(
        file,
        String.join(
            "\n",
            "security.protocol=SASL_SSL",
            "sasl.mechanism=SCRAM-SHA-512",
            "sasl.jaas.config=x required;",
            "ssl.truststore.location=/t.p12",
            "linger.ms=5",
            "max.poll.records=100",
            "num.standby.replicas=1",
            "producer.compression.type=zstd",
            "main.consumer.fetch.min.bytes=1",
            "topic.min.insync.replicas=2",
            "basic.auth.user.info=bramble:secret",
            "commit.interval.ms=100"));
    ClusterConfig c = parse("--config", file.toString()).resolve(env(Map.of()));
    assertThat(c.clientProperties())
        .containsKeys("sasl.jaas.config", "producer.compression.type", "basic.auth.user.info")
        .doesNotContainKey("commit.interval.ms");
  }

  @Test
  void anUnknownFileKeyIsNamedWithItsFileAndAGuess(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bramble.properties");
    Files.writeString(file, "bootstrap.server=broker:9092\nsecurity.protocol=SSL\n");
    assertThatThrownBy(() -> parse("--config", file.toString()).resolve(env(Map.of())))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining(file.toString())
        .hasMessageContaining("unknown key bootstrap.server (did you mean bootstrap.servers?)")
        .hasMessageNotContaining("security.protocol (");
  }

  @Test
  void anUnknownEnvironmentVariableIsNamedWithAGuess() {
    assertThatThrownBy(
            () ->
                parse()
                    .resolve(
                        env(Map.of("BRAMBLE_BOOTSTRAP_SERVER", "broker:9092", "PATH", "/bin"))))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining(
            "unknown environment variable BRAMBLE_BOOTSTRAP_SERVER (did you mean BRAMBLE_BOOTSTRAP_SERVERS?)");
  }

  @Test
  void aGraphsOwnSettingIsAcceptedFromTheEnvironmentAndTheFileAndAMisspeltOneIsStillNamed(
      @TempDir Path dir) throws Exception {
    ClusterConfig c =
        parse().resolve(withGraphSetting(Map.of("BRAMBLE_MYFLOW_SUFFIX", "!", "PATH", "/bin")));
    assertThat(c.bootstrapServers()).isEqualTo("localhost:9092");

    assertThatThrownBy(
            () -> parse().resolve(withGraphSetting(Map.of("BRAMBLE_WORKER_CONCURENCY", "8"))))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining(
            "unknown environment variable BRAMBLE_WORKER_CONCURENCY (did you mean BRAMBLE_WORKER_CONCURRENCY?)")
        .hasMessageContaining("the graphs read BRAMBLE_MYFLOW_SUFFIX");
    assertThatThrownBy(() -> parse().resolve(env(Map.of("BRAMBLE_MYFLOW_SUFFIX", "!"))))
        .as("undeclared, it is refused")
        .hasMessageContaining("unknown environment variable BRAMBLE_MYFLOW_SUFFIX")
        .hasMessageContaining("GraphProvider.settings()");

    Path file = dir.resolve("bramble.properties");
    Files.writeString(file, "myflow.suffix=?\nsecurity.protocol=SSL\n");
    System.clearProperty("myflow.suffix");
    try {
      ClusterConfig fromFile =
          parse("--config", file.toString()).resolve(withGraphSetting(Map.of()));
      assertThat(fromFile.clientProperties())
          .containsExactly(Map.entry("security.protocol", "SSL"));
      assertThat(new GraphSetting("myflow.suffix", "appended").value()).contains("?");
    } finally {
      System.clearProperty("myflow.suffix");
    }
  }

  @Test
  void anUnknownClientPropertyFlagIsNamed() {
    assertThatThrownBy(
            () -> parse("--client-property", "securty.protocol=SSL").resolve(env(Map.of())))
        .hasMessageContaining(
            "--client-property: unknown Kafka client config securty.protocol (did you mean security.protocol?)");
  }

  @Test
  void aWorkersPoolsComeWithTheirConcurrencyAndBadOnesAreNamed(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bramble.properties");
    Files.writeString(file, "worker.pools=gpu,default\nworker.pool.concurrency=gpu=2\n");
    Configuration conf = parse("--config", file.toString()).configuration(env(Map.of()));
    assertThat(conf.pools(null, null, 64)).containsExactly(entry("default", 64), entry("gpu", 2));
    assertThat(parse().configuration(env(Map.of())).pools(null, null, 8))
        .containsExactly(entry("default", 8));

    Launch badName = new Launch(Map.of("BRAMBLE_WORKER_POOLS", "gpu,big memory"));
    assertThat(badName.run("worker")).isEqualTo(2);
    assertThat(badName.err())
        .contains(
            "environment variable BRAMBLE_WORKER_POOLS names pool 'big memory', which cannot be part of a topic name");
    Launch notServed = new Launch(Map.of());
    assertThat(notServed.run("worker", "--pools", "gpu", "--pool-concurrency", "tpu=2"))
        .isEqualTo(2);
    assertThat(notServed.err())
        .contains("--pool-concurrency: 'tpu=2' must be POOL=N for a pool this worker serves (gpu)");
  }

  @Test
  void badNumbersExitWithTwoNamingTheKeyAndTheValue(@TempDir Path dir) throws Exception {
    Launch worker = new Launch(Map.of("BRAMBLE_WORKER_CONCURRENCY", "lots"));
    assertThat(worker.run("worker")).isEqualTo(2);
    assertThat(worker.err())
        .contains(
            "environment variable BRAMBLE_WORKER_CONCURRENCY: worker concurrency must be a number, got 'lots'");

    Launch coordinator = new Launch(Map.of("BRAMBLE_HEALTH_PORT", "80a"));
    assertThat(coordinator.run("coordinator")).isEqualTo(2);
    assertThat(coordinator.err())
        .contains(
            "environment variable BRAMBLE_HEALTH_PORT: health port must be a number, got '80a'");

    Path file = dir.resolve("bramble.properties");
    Files.writeString(file, "partitions=four\n");
    Launch fromFile = new Launch(Map.of("BRAMBLE_CONFIG", file.toString()));
    assertThat(fromFile.run("worker")).isEqualTo(2);
    assertThat(fromFile.err())
        .contains(file + ": key partitions: partitions must be a number, got 'four'");

    Launch outOfRange = new Launch(Map.of());
    assertThat(outOfRange.run("coordinator", "--health-port", "70000")).isEqualTo(2);
    assertThat(outOfRange.err())
        .contains("--health-port: health port must be between 0 and 65535, got 70000");

    Launch ui = new Launch(Map.of("BRAMBLE_UI_PORT", "http"));
    assertThat(ui.run("ui")).isEqualTo(2);
    assertThat(ui.err()).contains("BRAMBLE_UI_PORT: ui port must be a number, got 'http'");
  }

  @Test
  void devTakesTheCoordinatorsAndWorkersSettingsAndChecksThemBeforeStartingAnything() {
    Launch commit = new Launch(Map.of("BRAMBLE_COMMIT_INTERVAL_MS", "soon"));
    assertThat(commit.run("dev", "--workers", "1")).isEqualTo(2);
    assertThat(commit.err())
        .contains(
            "environment variable BRAMBLE_COMMIT_INTERVAL_MS: commit interval ms must be a number, got 'soon'");

    Launch concurrency = new Launch(Map.of());
    assertThat(concurrency.run("dev", "--concurrency", "0")).isEqualTo(2);
    assertThat(concurrency.err()).contains("--concurrency: worker concurrency must be between 1");
  }

  @Test
  void aLocalRunRefusesAMisspeltVariableAsDevDoes() {
    Launch run = new Launch(Map.of("BRAMBLE_POEMS_OFFLINE_PACE_MSS", "5"));
    assertThat(run.run("run", "collatz")).isEqualTo(2);
    assertThat(run.err()).contains("unknown environment variable BRAMBLE_POEMS_OFFLINE_PACE_MSS");
  }

  @Test
  void theFlagsThatPointAtAClusterNameOnlyWhatIsNotTheDefault() {
    assertThat(ClusterOptions.flagsFor(ClusterConfig.of("localhost:9092", "http://localhost:8081")))
        .isEmpty();
    assertThat(
            ClusterOptions.flagsFor(
                ClusterConfig.of("localhost:39092", "http://localhost:8081")
                    .withTopics(new Topics("staging."))))
        .isEqualTo(" --bootstrap-servers localhost:39092 --topic-prefix staging.");
  }

  @Test
  void unknownKeysExitWithTwoAtStartUp(@TempDir Path dir) throws Exception {
    Launch env = new Launch(Map.of("BRAMBLE_WORKERS", "3"));
    assertThat(env.run("worker")).isEqualTo(2);
    assertThat(env.err()).contains("unknown environment variable BRAMBLE_WORKERS");

    Path file = dir.resolve("bramble.properties");
    Files.writeString(file, "registry.url=http://registry:8081\n");
    Launch key = new Launch(Map.of());
    assertThat(key.run("coordinator", "--config", file.toString())).isEqualTo(2);
    assertThat(key.err()).contains("unknown key registry.url");
  }

  @Test
  void bramblesOwnFileKeysAreNotMistakenForClientConfigs() {
    assertThat(Setting.fileKeys())
        .contains("topic.prefix", "partitions", "worker.concurrency", "health.port");
    assertThat(ClientConfigKeys.isKnown("topic.prefix")).isFalse();
    assertThat(ClientConfigKeys.isKnown("producer.linger.ms")).isTrue();
    assertThat(ClientConfigKeys.isKnown("producer.no.such.key")).isFalse();
  }

  @Test
  void theReadmeTableListsEveryEnvironmentVariable() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String table =
        readme.substring(
            readme.indexOf("## Running distributed"),
            readme.indexOf("Topics (created at start-up"));
    for (Setting s : Setting.values()) {
      assertThat(table)
          .as("README's configuration table lists " + s.env())
          .contains("`" + s.env() + "`");
      s.fileKey()
          .ifPresent(
              k ->
                  assertThat(table)
                      .as("README's table lists file key " + k)
                      .contains("`" + k + "`"));
    }
  }
}
