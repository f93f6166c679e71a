package io.bramble.launcher.graphs;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.application.Application;
import io.bramble.core.registry.GraphCatalog;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.launcher.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two jars holding two versions of one graph, with classes of the same names: each jar loads in a
 * class loader of its own, so both versions are there side by side and each runs its own code.
 */
class VersionedGraphJarsTest {
  /** A provider of graph "flow" at {@code version}, whose step asks a helper class of its jar. */
  static Path flowJar(Path dir, String version) throws Exception {
    return GraphJar.build(
        Files.createDirectories(dir.resolve("v" + version)).resolve("flow.jar"),
        Map.of(
            "com.example.versioned.Words",
            "package com.example.versioned;\n"
                + "public final class Words {\n"
                + "  public static String said() { return \"said by version "
                + version
                + "\"; }\n"
                + "}\n",
            "com.example.versioned.FlowProvider",
            "package com.example.versioned;\n"
                + "import io.bramble.core.action.Action;\n"
                + "import io.bramble.core.graph.Graph;\n"
                + "import io.bramble.core.registry.GraphProvider;\n"
                + "public final class FlowProvider implements GraphProvider {\n"
                + "  public String name() { return \"flow\"; }\n"
                + "  public String version() { return \""
                + version
                + "\"; }\n"
                + "  public Graph graph() {\n"
                + "    return Graph.builder().withActions(Action.builder(\"say\").writes(\"said\")\n"
                + "        .update((s, in) -> s.update(\"said\", Words.said()))).build();\n"
                + "  }\n"
                + "  public String entrypoint() { return \"say\"; }\n"
                + "}\n"),
        List.of("com.example.versioned.FlowProvider"));
  }

  @Test
  void bothVersionsLoadAndEachRunsItsOwnClasses(@TempDir Path dir) throws Exception {
    GraphClassPath classPath = GraphClassPath.of(flowJar(dir, "1") + ":" + flowJar(dir, "2"), null);
    GraphClassPath.Loaders loaders = classPath.classLoaders(getClass().getClassLoader());

    GraphRegistry registry = GraphCatalog.load(loaders.libraries(), loaders.graphs()).registry();

    assertThat(registry.versions("flow")).containsExactly("1", "2");
    for (String version : List.of("1", "2")) {
      Application app =
          Application.builder()
              .withGraph(registry.get("flow", version).graph())
              .withEntrypoint("say")
              .build();
      assertThat(app.step().orElseThrow().state().getString("said"))
          .isEqualTo("said by version " + version);
    }
  }

  @Test
  void bramlbeGraphsListsEveryVersionWithItsJar(@TempDir Path dir) throws Exception {
    Path v1 = flowJar(dir, "1");
    Path v2 = flowJar(dir, "2");
    Console console = new Console();
    assertThat(console.run("--classpath", v1 + ":" + v2, "graphs")).as(console.err()).isZero();
    assertThat(console.out())
        .contains(
            "flow version 1  (com.example.versioned.FlowProvider, from " + v1.toRealPath() + ")",
            "flow version 2  (com.example.versioned.FlowProvider, from " + v2.toRealPath() + ")");
  }
}
