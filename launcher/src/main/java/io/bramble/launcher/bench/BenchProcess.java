package io.bramble.launcher.bench;

import io.bramble.launcher.Bramble;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A {@code bramble} command (a worker, a coordinator) in a JVM of its own on this JVM's class path,
 * its output under the bench's folder, its health and metrics on a port of its own.
 */
record BenchProcess(String id, Process process, int port) {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** Starts {@code bramble <command...> --health-port P}, writing {@code dir/<id>.out|err}. */
  static BenchProcess start(Path dir, String id, List<String> command) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    // Under Surefire the real class path is in this property; elsewhere it is java.class.path.
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                classPath,
                Bramble.class.getName()));
    cmd.addAll(command);
    cmd.addAll(List.of("--health-port", Integer.toString(port)));
    ProcessBuilder pb =
        new ProcessBuilder(cmd)
            .redirectOutput(dir.resolve(id + ".out").toFile())
            .redirectError(dir.resolve(id + ".err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("BRAMBLE_"));
    return new BenchProcess(id, pb.start(), port);
  }

  /** Waits until {@code /health/ready} answers 200, at most a minute. */
  void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException(id + " exited with " + process.exitValue());
      }
      try {
        HttpResponse<Void> r =
            HTTP.send(
                HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health/ready"))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException(id + " was not ready within 60 s");
  }

  /** Its Prometheus metrics. */
  String scrape() throws IOException, InterruptedException {
    return HTTP.send(
            HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/metrics")).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /**
   * The sum of the Prometheus samples of {@code metric} whose labels contain {@code label} (a
   * sample without labels counts whatever {@code label} is).
   */
  static double sum(String exposition, String metric, String label) {
    double total = 0;
    for (String line : exposition.split("\n")) {
      if ((line.startsWith(metric + "{") && line.contains(label))
          || line.startsWith(metric + " ")) {
        total += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return total;
  }

  /** {@code kill -9}. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
  }

  /** Stops each of {@code processes} as a signal would (SIGTERM), then kills those still there. */
  static void stopAll(List<BenchProcess> processes) throws InterruptedException {
    for (BenchProcess p : processes) {
      p.process().destroy();
    }
    for (BenchProcess p : processes) {
      if (!p.process().waitFor(20, TimeUnit.SECONDS)) {
        p.kill();
      }
    }
  }
}
