package io.bramble.launcher.graphs;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.graph.Graph;
import io.bramble.core.registry.GraphCatalog;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Write your own graph" project, built as a user builds it: its {@code pom.xml} and
 * its provider taken from the README's text, {@code mvn package} run on them, and the jar it makes
 * under the name the README's next commands use ({@code target/myflow.jar}) loads the graph.
 *
 * <p>Bramble's artifacts are not on Maven Central: the test puts this build's {@code bramble-bom},
 * {@code bramble-parent} and {@code bramble-core} in a repository of its own (what {@code mvn
 * install} would have put in {@code ~/.m2}); everything else comes from this machine's {@code
 * ~/.m2}, else Maven Central, into a local repository of the test's, so {@code ~/.m2} is left as it
 * was.
 */
class GuideProjectTest {
  private static final String VERSION = "0.1.0-SNAPSHOT";

  @Test
  void theGuidesPomBuildsTheGuidesProviderIntoTheJarItsCommandsUse(@TempDir Path dir)
      throws Exception {
    String readme = Files.readString(Path.of("..", "README.md"));
    String guide = readme.substring(readme.indexOf("## Write your own graph"));
    Path project = dir.resolve("myflow");
    Files.createDirectories(project);
    Files.writeString(project.resolve("pom.xml"), block(guide, "```xml\n<?xml"));
    Path source = project.resolve("src/main/java/com/example/myflow/MyFlowProvider.java");
    Files.createDirectories(source.getParent());
    Files.writeString(source, GraphJar.MYFLOW);
    assertThat(guide).contains("(one line:\n`com.example.myflow.MyFlowProvider`)");
    Path services = project.resolve("src/main/resources/" + GraphJar.SERVICES);
    Files.createDirectories(services.getParent());
    Files.writeString(services, "com.example.myflow.MyFlowProvider\n");

    Path repository = brambleRepository(dir.resolve("bramble-repository"));
    Path settings = settings(dir, repository);
    Process mvn =
        new ProcessBuilder("mvn", "-B", "-q", "-s", settings.toString(), "-DskipTests", "package")
            .directory(project.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("mvn.log").toFile())
            .start();
    mvn.getOutputStream().close();
    if (!mvn.waitFor(5, TimeUnit.MINUTES)) {
      mvn.destroyForcibly();
      throw new AssertionError(
          "mvn package took over 5 minutes:\n" + Files.readString(dir.resolve("mvn.log")));
    }
    assertThat(mvn.exitValue())
        .as("mvn package of the README's project:\n%s", Files.readString(dir.resolve("mvn.log")))
        .isZero();

    assertThat(guide)
        .as("the guide's next commands use the jar the build makes")
        .contains("--classpath target/myflow.jar");
    Path jar = project.resolve("target/myflow.jar");
    assertThat(jar).exists();
    try (URLClassLoader loader =
        new URLClassLoader(
            new URL[] {jar.toUri().toURL()}, GuideProjectTest.class.getClassLoader())) {
      assertThat(GraphCatalog.load(loader).registry().names()).contains("myflow");
    }
  }

  /** The README block that starts with {@code opening}, without its fences. */
  private static String block(String text, String opening) {
    int start = text.indexOf(opening);
    assertThat(start).as("the guide has a block starting %s", opening).isNotNegative();
    start += "```xml\n".length();
    return text.substring(start, text.indexOf("```", start));
  }

  /** This build's Bramble artifacts a graph project needs, in a Maven repository's layout. */
  private static Path brambleRepository(Path repository) throws IOException, URISyntaxException {
    copyPom(repository, "bramble-bom", Path.of("..", "bom", "pom.xml"));
    copyPom(repository, "bramble-parent", Path.of("..", "pom.xml"));
    copyPom(repository, "bramble-core", Path.of("..", "core", "pom.xml"));
    Path classes = Path.of(Graph.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    Path jar = artifact(repository, "bramble-core", "jar");
    if (Files.isDirectory(classes)) { // in the reactor: core's target/classes
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
        GraphJar.addClasses(out, classes);
      }
    } else {
      Files.copy(classes, jar);
    }
    return repository;
  }

  private static void copyPom(Path repository, String artifactId, Path pom) throws IOException {
    Files.copy(pom, artifact(repository, artifactId, "pom"));
  }

  private static Path artifact(Path repository, String artifactId, String extension)
      throws IOException {
    Path dir = repository.resolve("io/bramble").resolve(artifactId).resolve(VERSION);
    Files.createDirectories(dir);
    return dir.resolve(artifactId + "-" + VERSION + "." + extension);
  }

  /**
   * Maven settings: a local repository of the test's; Bramble's artifacts from {@code repository},
   * everything else from this machine's {@code ~/.m2} (read as a remote one), else Maven Central.
   */
  private static Path settings(Path dir, Path repository) throws IOException {
    Path machine = Path.of(System.getProperty("user.home"), ".m2", "repository");
    String xml =
        """
        <settings>
          <localRepository>%s</localRepository>
          <profiles>
            <profile>
              <id>guide</id>
              <repositories>
                <repository><id>bramble-build</id><url>%s</url>
                  <snapshots><enabled>true</enabled></snapshots></repository>
                <repository><id>machine</id><url>%s</url></repository>
              </repositories>
              <pluginRepositories>
                <pluginRepository><id>machine</id><url>%s</url></pluginRepository>
              </pluginRepositories>
            </profile>
          </profiles>
          <activeProfiles><activeProfile>guide</activeProfile></activeProfiles>
        </settings>
        """
            .formatted(
                dir.resolve("local-repository"),
                repository.toUri(),
                machine.toUri(),
                machine.toUri());
    Path settings = dir.resolve("settings.xml");
    try (OutputStream out = Files.newOutputStream(settings)) {
      out.write(xml.getBytes(StandardCharsets.UTF_8));
    }
    return settings;
  }
}
