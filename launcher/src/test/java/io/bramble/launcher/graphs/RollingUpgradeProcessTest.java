package io.bramble.launcher.graphs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.state.State;
import io.bramble.embedded.EmbeddedSchemaRegistry;
import io.bramble.launcher.Console;
import io.bramble.launcher.processes.ProcessCluster;
import io.bramble.runtime.ClusterConfig;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.registry.SchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling upgrade, as processes: workers of release 1 (a jar of graph "rolling" version 1) run a
 * job and hold a halted one; they are restarted one by one with the jars of versions 1 and 2 (the
 * first with {@code kill -9} while the running job's children run); new jobs run version 2, the
 * jobs of version 1 finish on version 1's code; once {@code bramble versions} says nothing of
 * version 1 is in flight, the workers are restarted with version 2 alone, and jobs go on.
 */
class RollingUpgradeProcessTest {
  private static final Duration WAIT = Duration.ofMinutes(3);

  /** Graph "rolling" at {@code version}: fan (n children, each sleeping ms) → mark. */
  static Path rollingJar(Path dir, String version) throws Exception {
    return GraphJar.build(
        Files.createDirectories(dir.resolve("rolling-v" + version)).resolve("rolling.jar"),
        Map.of(
            "com.example.rolling.Release",
            "package com.example.rolling;\n"
                + "public final class Release {\n"
                + "  public static final String NAME = \""
                + version
                + "\";\n"
                + "}\n",
            "com.example.rolling.RollingProvider",
            "package com.example.rolling;\n"
                + "import io.bramble.core.action.Action;\n"
                + "import io.bramble.core.graph.Graph;\n"
                + "import io.bramble.core.parallel.MapStates;\n"
                + "import io.bramble.core.parallel.RunnableGraph;\n"
                + "import io.bramble.core.registry.GraphProvider;\n"
                + "import io.bramble.core.state.State;\n"
                + "import java.util.stream.LongStream;\n"
                + "public final class RollingProvider implements GraphProvider {\n"
                + "  public String name() { return \"rolling\"; }\n"
                + "  public String version() { return Release.NAME; }\n"
                + "  public String entrypoint() { return \"fan\"; }\n"
                + "  public Graph graph() {\n"
                + "    Action work = Action.builder(\"work\").reads(\"i\", \"ms\").writes(\"by\")\n"
                + "        .update((s, in) -> {\n"
                + "          Thread.sleep(s.getLong(\"ms\"));\n"
                + "          return s.update(\"by\", Release.NAME);\n"
                + "        });\n"
                + "    Action fan = MapStates.builder(\"fan\").reads(\"n\", \"ms\")"
                + ".writes(\"children_by\")\n"
                + "        .subGraph(RunnableGraph.of(Graph.builder().withActions(work).build(),"
                + " \"work\"))\n"
                + "        .states((s, in) -> LongStream.range(0, s.getLong(\"n\"))\n"
                + "            .mapToObj(i -> State.of(\"i\", i, \"ms\", s.getLong(\"ms\")))"
                + ".toList())\n"
                + "        .reduce((s, children) -> s.update(\"children_by\",\n"
                + "            children.stream().map(c -> c.get(\"by\")).toList()))\n"
                + "        .build();\n"
                + "    Action mark = Action.builder(\"mark\").reads(\"children_by\")"
                + ".writes(\"root_by\")\n"
                + "        .update((s, in) -> s.update(\"root_by\", Release.NAME));\n"
                + "    return Graph.builder().withActions(fan, mark)"
                + ".withTransition(\"fan\", \"mark\").build();\n"
                + "  }\n"
                + "}\n"),
        List.of("com.example.rolling.RollingProvider"));
  }

  private static JobRequest job(String appId, long children, long ms, String... haltBefore) {
    return JobClient.job(appId, "rolling")
        .state(State.of("n", children, "ms", ms))
        .haltBefore(haltBefore)
        .build();
  }

  /** The version that ran the root's last step, then those that ran its children. */
  private static List<Object> ranBy(JobResult result) {
    assertThat(result.status()).as("error %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    return List.of(result.state().get("root_by"), result.state().get("children_by"));
  }

  private static List<String> times(int n, String version) {
    return Collections.nCopies(n, version);
  }

  @Test
  void workersRestartedOneByOneWithANewVersionFailNothingAndEachJobKeepsItsVersion(
      @TempDir Path dir) throws Exception {
    Path v1 = rollingJar(dir, "1");
    Path v2 = rollingJar(dir, "2");
    List<String> release1 = List.of("--classpath", v1.toString());
    List<String> both = List.of("--classpath", v1 + ":" + v2);
    List<String> release2 = List.of("--classpath", v2.toString());
    EmbeddedSchemaRegistry registry = null;
    try (ProcessCluster processes = new ProcessCluster(dir, Map.of())) {
      String bootstrap = processes.startBroker(dir.resolve("kafka"), ProcessCluster.freePort(), 2);
      registry = EmbeddedSchemaRegistry.start(bootstrap, 0);
      List<String> args = ProcessCluster.clusterArgs(bootstrap, registry.url(), 2);
      processes.startCoordinator(args, dir.resolve("coordinator-state"));
      processes.awaitReady("coordinator");
      for (String w : List.of("w1", "w2")) {
        processes.startWorker(w, args, 2, release1);
        processes.awaitReady(w);
      }
      ClusterConfig cluster = ClusterConfig.of(bootstrap, registry.url()).withPartitions(2);
      try (JobClient client =
          new JobClient(cluster, SchemaRegistryClient.builder(registry.url()).build())) {
        JobRequest halted = job("halted-v1", 2, 10, "mark");
        client.submit(halted);
        assertThat(client.await(halted, WAIT, null).status()).isEqualTo(JobStatus.HALTED);
        JobRequest running = job("running-v1", 12, 1_500);
        client.submit(running);
        Thread.sleep(2_000); // its children run

        // The rolling upgrade: w1 dies mid-job (kill -9), each comes back with both versions.
        processes.kill("w1");
        processes.startWorker("w1", args, 2, both);
        processes.awaitReady("w1");
        processes.kill("w2");
        processes.startWorker("w2", args, 2, both);
        processes.awaitReady("w2");

        JobRequest fresh = job("new-v2", 3, 10);
        client.submit(fresh);
        assertThat(ranBy(client.await(fresh, WAIT, null)))
            .as("a new job takes the newest version")
            .containsExactly("2", times(3, "2"));
        assertThat(ranBy(client.await(running, WAIT, null)))
            .as("the running job finishes on version 1, its children too")
            .containsExactly("1", times(12, "1"));
        JobClient.Resumed resumed = client.resume(JobClient.resumeOf("halted-v1").build(), WAIT);
        assertThat(ranBy(client.await(resumed, WAIT, null)))
            .as("the halted job, resumed, finishes on version 1")
            .containsExactly("1", times(2, "1"));

        Console versions = new Console();
        List<String> versionsArgs = new ArrayList<>(List.of("versions", "--json"));
        versionsArgs.addAll(
            List.of("--bootstrap-servers", bootstrap, "--registry-url", registry.url()));
        assertThat(versions.run(versionsArgs.toArray(String[]::new))).as(versions.err()).isZero();
        for (JsonNode v : new ObjectMapper().readTree(versions.out()).get("versions")) {
          if (v.get("version").asText().equals("1")) {
            assertThat(v.get("jobs").asInt() + v.get("apps").asInt() + v.get("waiting").asInt())
                .as("nothing of version 1 in flight: %s", v)
                .isZero();
          }
        }

        // Version 1 leaves the workers.
        for (String w : List.of("w1", "w2")) {
          processes.kill(w);
          processes.startWorker(w, args, 2, release2);
          processes.awaitReady(w);
        }
        JobRequest last = job("after-v1", 3, 10);
        client.submit(last);
        assertThat(ranBy(client.await(last, WAIT, null))).containsExactly("2", times(3, "2"));
      }
    } finally {
      if (registry != null) {
        registry.close();
      }
    }
  }
}
