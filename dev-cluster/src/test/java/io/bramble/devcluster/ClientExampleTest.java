package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.ClusterConfig;
import io.bramble.schemas.avro.JobRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's client example ("From Java: the client"), against a dev cluster. */
class ClientExampleTest {
  @TempDir Path dir;

  @Test
  void submitAJobAndWaitForItsResult() throws Exception {
    try (DevCluster dev = DevCluster.start(dir, GraphRegistry.load(), 2, 4)) {
      String bootstrapServers = dev.bootstrapServers();
      String registryUrl = dev.registryUrl();

      // --- the README's example ---
      ClusterConfig cluster =
          ClusterConfig.of(bootstrapServers, registryUrl); // or new ClusterConfig(…) for SASL/TLS
      try (JobClient client = new JobClient(cluster, cluster.schemaRegistry())) {
        JobRequest job =
            JobClient.request("collatz-7", "collatz", State.of("from", 5, "to", 7), Map.of());
        client.submit(job); // acknowledged by the broker
        JobResult result =
            client.await(
                job,
                Duration.ofMinutes(1),
                progress ->
                    System.out.println(progress.done() + "/" + progress.total() + " children"));
        if (result.status() == JobStatus.COMPLETED) {
          System.out.println(result.state().getMap("lengths")); // {5=6, 6=9, 7=17}
        } else {
          System.out.println(
              result.status() + ": " + result.error()); // FAILED: why; HALTED: result.waiting()
        }
        // ---
        assertThat(result.status()).isEqualTo(JobStatus.COMPLETED);
        assertThat(result.state().getMap("lengths"))
            .containsEntry("5", 6L)
            .containsEntry("6", 9L)
            .containsEntry("7", 17L);
        assertThat(result.state().toString())
            .as("a State shows the user's keys only")
            .doesNotContain("__");
      }
    }
  }

  @Test
  void theReadmeShowsThisExampleWithItsImports() throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    int section = readme.indexOf("### From Java: the client");
    int start = readme.indexOf("```java", section) + "```java".length();
    String snippet = readme.substring(start, readme.indexOf("```", start)).strip();
    String source =
        Files.readString(Path.of("src/test/java/io/bramble/devcluster/ClientExampleTest.java"));
    String imports =
        String.join(
            "\n", Arrays.stream(snippet.split("\n")).filter(l -> l.startsWith("import ")).toList());
    assertThat(Arrays.stream(source.split("\n")).filter(l -> l.startsWith("import ")).toList())
        .as("the README's imports are the test's (it compiles with them)")
        .containsAll(Arrays.asList(imports.split("\n")));
    String body = snippet.substring(imports.length()).strip();
    // the test asserts before the example's last brace; the formatter may wrap its lines
    // differently from the README's: compare without blanks
    body = body.substring(0, body.lastIndexOf('}'));
    assertThat(source.replaceAll("\\s+", ""))
        .as("ClientExampleTest holds the README's example")
        .contains(body.replaceAll("\\s+", ""));
  }
}
