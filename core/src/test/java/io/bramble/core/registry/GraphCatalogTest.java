package io.bramble.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GraphCatalogTest {
  /** A provider of a one-action graph named {@code name}. */
  public static class Named implements GraphProvider {
    private final String name;

    public Named() {
      this("named");
    }

    Named(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public Graph graph() {
      return Graph.builder()
          .withActions(Action.builder("only").writes("x").update((s, in) -> s.update("x", 1)))
          .build();
    }

    @Override
    public String entrypoint() {
      return "only";
    }
  }

  /** A provider whose graph cannot be built. */
  public static final class Broken extends Named {
    @Override
    public Graph graph() {
      throw new IllegalStateException("the model file is missing");
    }
  }

  @Test
  void aProviderWhoseGraphThrowsIsNamedWithItsCauseAndTheOthersStillLoad() {
    GraphCatalog catalog = GraphCatalog.of(List.of(new Broken(), new Named("fine")));

    assertThat(catalog.problems())
        .singleElement()
        .asString()
        .contains(Broken.class.getName())
        .contains("could not build its graph")
        .contains("IllegalStateException: the model file is missing");
    assertThat(catalog.loadedGraphs().names()).containsExactly("fine");
    assertThatThrownBy(catalog::registry)
        .isInstanceOf(GraphLoadException.class)
        .hasMessageContaining("the model file is missing");
  }

  @Test
  void twoProvidersOfOneNameAreNamedWithWhereEachCameFrom() {
    GraphCatalog catalog = GraphCatalog.of(List.of(new Named("flow"), new Named("flow")));

    String source = catalog.found().get(0).source();
    assertThat(source).as("the folder or jar of the test classes").contains("test-classes");
    assertThat(catalog.problems())
        .anySatisfy(
            p ->
                assertThat(p)
                    .contains("claims graph 'flow' version 1")
                    .contains("which " + Named.class.getName() + " (from " + source + ")"));
    assertThat(catalog.loadedGraphs().names()).containsExactly("flow");
  }

  @Test
  void aServicesEntryNamingAMissingClassIsReportedAndTheRestLoads(@TempDir Path dir)
      throws Exception {
    Path services = dir.resolve("META-INF/services/" + GraphProvider.class.getName());
    Files.createDirectories(services.getParent());
    Files.writeString(services, "com.example.NoSuchProvider\n" + Named.class.getName() + "\n");
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {dir.toUri().toURL()}, getClass().getClassLoader())) {
      GraphCatalog catalog = GraphCatalog.load(loader);

      assertThat(catalog.problems())
          .singleElement()
          .asString()
          .contains("com.example.NoSuchProvider")
          .contains("did not load");
      assertThat(catalog.loadedGraphs().names()).containsExactly("named");
    }
  }
}
