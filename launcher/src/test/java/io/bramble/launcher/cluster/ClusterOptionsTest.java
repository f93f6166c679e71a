package io.bramble.launcher.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.schemas.kafka.ClusterConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class ClusterOptionsTest {
  @Command(name = "probe")
  static final class Probe implements Runnable {
    @Mixin ClusterOptions cluster;

    @Override
    public void run() {}
  }

  private static ClusterOptions parse(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    return probe.cluster;
  }

  @Test
  void flagsWinOverEnvironmentWhichWinsOverTheFileWhichWinsOverDefaults(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bramble.properties");
    Files.writeString(file, "bootstrap.servers=file:1\nschema.registry.url=http://file\ntopic.prefix=file.\n"
        + "security.protocol=SASL_SSL\n");
    ClusterConfig c = parse("--config", file.toString(), "--bootstrap-servers", "flag:1")
        .resolve(Map.of("BRAMBLE_BOOTSTRAP_SERVERS", "env:1", "BRAMBLE_REGISTRY_URL", "http://env"));
    assertThat(c.bootstrapServers()).isEqualTo("flag:1");
    assertThat(c.registryUrl()).isEqualTo("http://env");
    assertThat(c.topics().prefix()).isEqualTo("file.");
    assertThat(c.partitions()).isEqualTo(4);
    assertThat(c.clientProperties()).containsExactly(Map.entry("security.protocol", "SASL_SSL"));
    assertThat(c.clientProps()).containsEntry("security.protocol", "SASL_SSL").containsEntry("bootstrap.servers", "flag:1");
  }

  @Test
  void defaultsPointAtALocalDevCluster() {
    ClusterConfig c = parse().resolve(Map.of());
    assertThat(c.bootstrapServers()).isEqualTo("localhost:9092");
    assertThat(c.registryUrl()).isEqualTo("http://localhost:8081");
    assertThat(c.topics().jobs()).isEqualTo("bramble.jobs");
  }

  @Test
  void aBadPartitionCountIsNamed() {
    assertThatThrownBy(() -> parse().resolve(Map.of("BRAMBLE_PARTITIONS", "many")))
        .hasMessageContaining("partitions must be a number, got 'many'");
  }
}
