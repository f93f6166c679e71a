package io.bramble.launcher.bench;

import io.bramble.core.application.Application;
import io.bramble.core.parallel.ParallelExecutor;
import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.launcher.LauncherContext;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bramble bench local}: the time to run one parent whose parallel step fans out to N
 * children of four steps each, in this JVM. Warm-up runs first, then measured runs; prints a line
 * per phase and, last, {@code {"bench":"local","children":N,"median_ms":…,"per_child_us":…}}.
 */
@Command(
    name = "local",
    mixinStandardHelpOptions = true,
    description =
        "Fans one parallel step out to N children (tick, tick, tick, done) on local threads.")
public final class BenchLocalCommand implements Callable<Integer> {

  private final LauncherContext context;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--children",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Children per run (default: ${DEFAULT-VALUE}).")
  int children;

  @Option(
      names = "--warmup",
      paramLabel = "RUNS",
      defaultValue = "100",
      description = "Runs before measuring (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--runs",
      paramLabel = "RUNS",
      defaultValue = "50",
      description = "Measured runs (default: ${DEFAULT-VALUE}).")
  int runs;

  @Option(
      names = "--threads",
      paramLabel = "N",
      description =
          "Threads of a dedicated executor (default: the shared executor every application uses).")
  Integer threads;

  public BenchLocalCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (children < 1 || warmup < 0 || runs < 1 || (threads != null && threads < 1)) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "need --children >= 1, --warmup >= 0, --runs >= 1 and --threads >= 1");
    }
    PrintStream out = context.out();
    GraphRegistry graphs = BenchFanOut.graphs(context);
    if (graphs == null) {
      return 1;
    }
    GraphRegistry.Entry graph = graphs.get(BenchFanOut.GRAPH, null);
    ThreadPoolParallelExecutor own =
        threads == null ? null : new ThreadPoolParallelExecutor(threads);
    ParallelExecutor executor = own != null ? own : context.executor();
    try {
      out.printf(
          Locale.ROOT,
          "bench local: %d children x (tick, tick, tick, done); %d warm-up runs, %d measured"
              + " runs; %d cores; executor: %s%n",
          children,
          warmup,
          runs,
          Runtime.getRuntime().availableProcessors(),
          threads == null
              ? "shared (" + ThreadPoolParallelExecutor.DEFAULT_THREADS + " threads)"
              : threads + " threads");
      if (warmup > 0) {
        report(out, "warm-up", time(graph, executor, warmup));
      }
      double[] measured = time(graph, executor, runs);
      double median = report(out, "measured", measured);
      out.printf(
          Locale.ROOT,
          "{\"bench\":\"local\",\"children\":%d,\"median_ms\":%.3f,\"per_child_us\":%.3f}%n",
          children,
          median,
          median * 1000.0 / children);
      return 0;
    } finally {
      if (own != null) {
        own.close();
      }
    }
  }

  private double[] time(GraphRegistry.Entry graph, ParallelExecutor executor, int n) {
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      runOnce(graph, children, executor);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return ms;
  }

  /** Runs one fan-out of {@code children} to its end and checks that every child reported. */
  static List<Long> runOnce(GraphRegistry.Entry graph, int children, ParallelExecutor executor) {
    List<Long> outs =
        Application.builder()
            .withGraph(graph.graph())
            .withEntrypoint(graph.provider().entrypoint())
            .withState(State.of("children", (long) children))
            .withParallelExecutor(executor)
            .build()
            .run()
            .state()
            .getList("outs");
    if (outs.size() != children) {
      throw new IllegalStateException("expected " + children + " outs, got " + outs.size());
    }
    return outs;
  }

  private static double report(PrintStream out, String phase, double[] ms) {
    double[] sorted = ms.clone();
    Arrays.sort(sorted);
    double median = median(sorted);
    out.printf(
        Locale.ROOT,
        "%-9s %3d runs: median %.3f ms, min %.3f ms, p90 %.3f ms, max %.3f ms%n",
        phase,
        sorted.length,
        median,
        sorted[0],
        sorted[(int) Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.9) - 1)],
        sorted[sorted.length - 1]);
    return median;
  }

  static double median(double[] sorted) {
    int n = sorted.length;
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }
}
