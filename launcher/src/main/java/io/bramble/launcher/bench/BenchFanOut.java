package io.bramble.launcher.bench;

import io.bramble.client.JobClient;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.registry.UnknownGraphException;
import io.bramble.core.state.State;
import io.bramble.launcher.LauncherContext;
import io.bramble.schemas.avro.JobRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/**
 * What the benchmarks share: the fan-out graph they run (from the examples), its jobs, scratch
 * space.
 */
final class BenchFanOut {
  /** The graph every bench runs, registered by the examples. */
  static final String GRAPH = "bench_fanout";

  private BenchFanOut() {}

  /**
   * The graphs on the class path; null, after saying so, when the bench graph is not among them.
   */
  static GraphRegistry graphs(LauncherContext context) {
    GraphRegistry graphs = context.graphs();
    try {
      graphs.get(GRAPH, null);
      return graphs;
    } catch (UnknownGraphException e) {
      context
          .err()
          .println(
              "bramble bench: "
                  + e.getMessage()
                  + "; the benchmark's graph comes with the examples (bramble-examples on the"
                  + " class path)");
      return null;
    }
  }

  /**
   * A job of the bench graph with {@code children} children, its id starting with {@code prefix}.
   */
  static JobRequest job(String prefix, int children) {
    return job(prefix, children, null);
  }

  /** As above, every child holding {@code document} (none when null). */
  static JobRequest job(String prefix, int children, String document) {
    State state = State.of("children", (long) children);
    return JobClient.request(
        prefix + "-" + System.nanoTime(),
        GRAPH,
        document == null ? state : state.update("document", document),
        Map.of());
  }

  /** A text of {@code bytes} ASCII letters and spaces, the same every run. */
  static String document(int bytes) {
    Random random = new Random(bytes);
    StringBuilder sb = new StringBuilder(bytes);
    while (sb.length() < bytes) {
      sb.append(random.nextInt(6) == 0 ? ' ' : (char) ('a' + random.nextInt(26)));
    }
    return sb.toString();
  }

  /** A fresh directory for a dev cluster's data; {@link #delete} removes it. */
  static Path scratchDir() throws IOException {
    return Files.createTempDirectory("bramble-bench-");
  }

  static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
