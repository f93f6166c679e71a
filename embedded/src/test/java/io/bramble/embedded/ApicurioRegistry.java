package io.bramble.embedded;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Apicurio Registry (3.x, Quarkus) in its own JVM, in-memory storage, for tests that check
 * Bramble's client and serdes against a registry that is not our own.
 *
 * <p>The distribution is unpacked into {@code target/apicurio} by the maven-dependency-plugin
 * ({@code generate-test-resources}). Apicurio needs Java 21+: {@code BRAMBLE_JAVA21_HOME}, or the
 * newest JDK under {@code /usr/lib/jvm} whose {@code release} file says 21 or more. Without one (or
 * without the unpacked distribution) {@link #start()} skips the calling test.
 */
final class ApicurioRegistry implements AutoCloseable {

  static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Process process;
  private final int port;
  private final Path log;
  private final Thread shutdownHook;

  private ApicurioRegistry(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.shutdownHook = new Thread(process::destroyForcibly, "apicurio-killer");
    Runtime.getRuntime().addShutdownHook(shutdownHook);
  }

  /**
   * Starts Apicurio on a free port and waits until its Confluent API answers; skips the test when
   * it cannot run here.
   */
  static ApicurioRegistry start() {
    String unavailable = unavailableReason();
    assumeTrue(unavailable == null, unavailable);
    Optional<Path> java = java21();
    Optional<Path> jar = quarkusRunJar();

    int port = EmbeddedKafka.freePort();
    Path log = distribution().getParent().resolve("apicurio-" + port + ".log");
    List<String> command =
        List.of(
            java.get().resolve("bin").resolve("java").toString(),
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dquarkus.http.port=" + port,
            "-Dquarkus.http.host=localhost",
            "-Dquarkus.log.level=WARN",
            "-Dquarkus.log.category.\"io.apicurio\".level=WARN",
            "-jar",
            jar.get().toString());
    long started = System.nanoTime();
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .directory(jar.get().getParent().toFile())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start Apicurio Registry: " + command, e);
    }
    ApicurioRegistry registry = new ApicurioRegistry(process, port, log);
    try {
      registry.awaitReady();
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
    System.out.printf(
        "Apicurio Registry ready on port %d in %d ms (Java %s)%n",
        port, (System.nanoTime() - started) / 1_000_000, java.get());
    return registry;
  }

  /** Why Apicurio cannot run here (no Java 21+, not unpacked), or null when it can. */
  static String unavailableReason() {
    if (java21().isEmpty()) {
      return "Apicurio Registry needs Java 21+, and none was found (BRAMBLE_JAVA21_HOME, /usr/lib/jvm/*/release): skipping";
    }
    if (quarkusRunJar().isEmpty()) {
      return "Apicurio Registry is not unpacked under "
          + distribution()
          + " (the build's generate-test-resources phase unpacks it): skipping";
    }
    return null;
  }

  /** {@code http://localhost:PORT/apis/ccompat/v7}: the Confluent-compatible API. */
  String ccompatUrl() {
    return "http://localhost:" + port + "/apis/ccompat/v7";
  }

  int port() {
    return port;
  }

  private void awaitReady() {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    HttpRequest probe =
        HttpRequest.newBuilder(URI.create(ccompatUrl() + "/subjects"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "Apicurio Registry exited with " + process.exitValue() + ":\n" + logTail());
      }
      try {
        if (http.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while waiting for Apicurio Registry", e);
      }
      sleep(200);
    }
    throw new IllegalStateException(
        "Apicurio Registry not ready after " + READY_TIMEOUT + ":\n" + logTail());
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log at " + log + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // the JVM is already shutting down
    }
  }

  // ---------------------------------------------------------------- finding Java 21+ and the jar

  static Path distribution() {
    String basedir = System.getProperty("basedir", System.getProperty("user.dir"));
    return Path.of(basedir, "target", "apicurio");
  }

  static Optional<Path> quarkusRunJar() {
    Path dir = distribution();
    if (!Files.isDirectory(dir)) {
      return Optional.empty();
    }
    try (Stream<Path> files = Files.walk(dir, 4)) {
      return files.filter(p -> p.getFileName().toString().equals("quarkus-run.jar")).findFirst();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** {@code BRAMBLE_JAVA21_HOME}, else the newest JDK 21+ under /usr/lib/jvm. */
  static Optional<Path> java21() {
    String env = System.getenv("BRAMBLE_JAVA21_HOME");
    if (env != null && !env.isBlank()) {
      Path home = Path.of(env);
      return Files.isExecutable(home.resolve("bin").resolve("java"))
          ? Optional.of(home)
          : Optional.empty();
    }
    if (Runtime.version().feature() >= 21) {
      return Optional.of(Path.of(System.getProperty("java.home")));
    }
    Path jvms = Path.of("/usr/lib/jvm");
    if (!Files.isDirectory(jvms)) {
      return Optional.empty();
    }
    try (Stream<Path> homes = Files.list(jvms)) {
      return homes
          .filter(home -> javaVersion(home) >= 21)
          .filter(home -> Files.isExecutable(home.resolve("bin").resolve("java")))
          .max((a, b) -> Integer.compare(javaVersion(a), javaVersion(b)));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** The feature version in {@code <home>/release} ({@code JAVA_VERSION="25.0.3"} → 25), or 0. */
  static int javaVersion(Path home) {
    Path release = home.resolve("release");
    if (!Files.isRegularFile(release)) {
      return 0;
    }
    Properties p = new Properties();
    try (InputStream in = Files.newInputStream(release)) {
      p.load(in);
    } catch (IOException e) {
      return 0;
    }
    String version = p.getProperty("JAVA_VERSION", "").replace("\"", "").trim();
    if (version.startsWith("1.")) {
      version = version.substring(2);
    }
    int end = 0;
    while (end < version.length() && Character.isDigit(version.charAt(end))) {
      end++;
    }
    return end == 0 ? 0 : Integer.parseInt(version.substring(0, end));
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
