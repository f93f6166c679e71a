package io.bramble.launcher.graphs;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.launcher.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graphs from jars named by {@code --classpath} and {@code BRAMBLE_CLASSPATH}, and their errors.
 */
class GraphClassPathTest {
  private static final String BROKEN =
      """
      package com.example.broken;

      public final class BrokenProvider implements io.bramble.core.registry.GraphProvider {
        @Override public String name() { return "broken"; }
        @Override public String entrypoint() { return "x"; }
        @Override public io.bramble.core.graph.Graph graph() {
          throw new IllegalStateException("prompt file prompts/broken.txt is missing");
        }
      }
      """;

  private static String realPath(Path p) {
    try {
      return p.toRealPath().toString();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void graphsListsAGraphFromAJarWithItsActionsSubGraphsAndSettings(@TempDir Path dir) {
    Path jar = GraphJar.myflow(dir);
    Console console = new Console();

    assertThat(console.run("graphs", "--classpath", jar.toString())).isEqualTo(0);

    assertThat(console.out())
        .contains("myflow version 1  (com.example.myflow.MyFlowProvider, from " + realPath(jar))
        .contains("  entrypoint: split")
        .contains("  actions:    split, shout_all")
        .contains("  sub-graph shout_all/0: entrypoint shout, actions shout")
        .contains("  settings:   myflow.suffix (BRAMBLE_MYFLOW_SUFFIX)")
        .contains("poems version")
        .contains("collatz version")
        .contains("  actions:    index_all, report")
        .contains(
            "  sub-graph index_all/0: entrypoint retrieve, actions retrieve, embed (pool gpu), store")
        .contains("  pools:      default, gpu");
  }

  @Test
  void runRunsAGraphFromBramblesClassPathVariableWithStateInputsAndHalts(@TempDir Path dir) {
    Path jar = GraphJar.myflow(dir);
    Console console = new Console(Map.of(GraphClassPath.ENV, jar.toString()));

    assertThat(console.run("run", "myflow", "--state", "{\"text\":\"hi there\"}", "--quiet"))
        .as(console.err())
        .isEqualTo(0);
    assertThat(console.out().replaceAll("\\s", "")).contains("\"shouts\":[\"HI\",\"THERE\"]");

    Console halted = new Console(Map.of(GraphClassPath.ENV, jar.toString()));
    assertThat(
            halted.run(
                "run", "myflow", "--state", "{\"text\":\"a b\"}", "--halt-after", "split", "-q"))
        .isEqualTo(0);
    assertThat(halted.out()).contains("\"words\"").doesNotContain("shouts");
    assertThat(halted.err()).contains("halted after split, before shout_all");
  }

  @Test
  void aHaltNamingNoActionIsAUsageError(@TempDir Path dir) {
    Console console = new Console(Map.of(GraphClassPath.ENV, GraphJar.myflow(dir).toString()));
    assertThat(
            console.run("run", "myflow", "--state", "{\"text\":\"a\"}", "--halt-before", "shuot"))
        .isEqualTo(2);
    assertThat(console.err()).contains("halt before names unknown action 'shuot'");
  }

  @Test
  void anEntryThatDoesNotExistStopsEveryCommandNamingIt(@TempDir Path dir) {
    Console console = new Console(Map.of(GraphClassPath.ENV, dir.resolve("nope.jar").toString()));
    assertThat(console.run("graphs")).isEqualTo(2);
    assertThat(console.err())
        .contains("BRAMBLE_CLASSPATH entry '" + dir.resolve("nope.jar") + "' does not exist");

    Console flag = new Console();
    assertThat(flag.run("--classpath", dir.resolve("gone/*").toString(), "graphs")).isEqualTo(2);
    assertThat(flag.err()).contains("--classpath entry '" + dir.resolve("gone/*") + "': folder");
  }

  @Test
  void aJarWithoutAProviderIsAWarning(@TempDir Path dir) {
    Path plain =
        GraphJar.build(
            dir.resolve("plain.jar"),
            Map.of("com.example.plain.Util", "package com.example.plain; public class Util {}"),
            List.of());
    Console console = new Console();
    assertThat(console.run("graphs", "--classpath", plain.toString())).isEqualTo(0);
    assertThat(console.err())
        .contains("warning: --classpath entry '" + plain + "' holds no graph provider");
  }

  @Test
  void twoJarsClaimingOneGraphNameAreNamedBothAndStopTheProcesses(@TempDir Path dir)
      throws Exception {
    Path first = GraphJar.myflow(Files.createDirectories(dir.resolve("a")));
    Path second =
        GraphJar.build(
            dir.resolve("copy.jar"),
            Map.of(
                "com.example.copy.MyFlowProvider",
                GraphJar.MYFLOW.replace("com.example.myflow", "com.example.copy")),
            List.of("com.example.copy.MyFlowProvider"));
    String classPath = first + ":" + second;

    Console graphs = new Console();
    assertThat(graphs.run("--classpath", classPath, "graphs")).isEqualTo(1);
    assertThat(graphs.out())
        .contains(
            "FAILED com.example.copy.MyFlowProvider (from "
                + second.toRealPath()
                + "): claims graph 'myflow' version 1, which com.example.myflow.MyFlowProvider (from "
                + first.toRealPath()
                + ") already provides");

    Console worker = new Console();
    assertThat(worker.run("--classpath", classPath, "worker")).isEqualTo(2);
    assertThat(worker.err())
        .contains("claims graph 'myflow' version 1")
        .contains("worker needs every graph to load");
  }

  @Test
  void aProviderWhoseGraphThrowsIsNamedWithItsCause(@TempDir Path dir) {
    Path jar =
        GraphJar.build(
            dir.resolve("broken.jar"),
            Map.of("com.example.broken.BrokenProvider", BROKEN),
            List.of("com.example.broken.BrokenProvider"));
    Console graphs = new Console();
    assertThat(graphs.run("graphs", "--classpath", jar.toString())).isEqualTo(1);
    assertThat(graphs.out())
        .contains("FAILED com.example.broken.BrokenProvider (from " + realPath(jar))
        .contains(
            "could not build its graph: IllegalStateException: prompt file prompts/broken.txt is missing")
        .contains("poems version");

    Console run = new Console();
    assertThat(run.run("run", "collatz", "--classpath", jar.toString())).isEqualTo(2);
    assertThat(run.err()).contains("graph provider com.example.broken.BrokenProvider");
  }
}
