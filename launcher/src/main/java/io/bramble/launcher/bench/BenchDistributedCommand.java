package io.bramble.launcher.bench;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.devcluster.DevCluster;
import io.bramble.launcher.LauncherContext;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.TrackingEvent;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bramble bench distributed}: the latency of one job through the platform, as a user sees
 * it: an in-JVM dev cluster (broker, registry, exactly-once coordinator, workers, default
 * settings), jobs of one parallel step fanning out to N children ({@code tick, tick, tick, done}),
 * one at a time after a warm-up, each timed from the client's submit to the client holding its
 * result; beside it the broker's own produce→consume round trip in the same run. The last line is
 * {@code {"bench":"distributed","children":N,"jobs":J,"p50_ms":…,"p99_ms":…,
 * "raw_round_trip_p50_ms":…,"p50_round_trips":…,"p99_round_trips":…,"bare_commit_p50_ms":…,
 * "streams_commit_avg_ms":…,"coordinator_retries_per_job":…,"transaction_version":…}} (the job's
 * percentiles over the raw round trip's median; a bare transactional producer's commit beside the
 * coordinator's, as Kafka Streams reports it; the records the coordinator's producer sent again per
 * measured job; the cluster's finalized {@code transaction.version}).
 */
@Command(
    name = "distributed",
    mixinStandardHelpOptions = true,
    description =
        "Times jobs fanning out to N children through a dev cluster in this JVM, one at a time.")
public final class BenchDistributedCommand implements Callable<Integer> {
  private final LauncherContext context;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--children",
      paramLabel = "N",
      defaultValue = "100",
      description = "Children per job (default: ${DEFAULT-VALUE}).")
  int children;

  @Option(
      names = "--jobs",
      paramLabel = "J",
      defaultValue = "50",
      description = "Jobs measured (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Option(
      names = "--warmup",
      paramLabel = "J",
      defaultValue = "10",
      description = "Jobs run before measuring (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Option(
      names = "--document-bytes",
      paramLabel = "BYTES",
      defaultValue = "0",
      description =
          "A document of this many bytes in each job's state, held by every child and read by its"
              + " last step (default: ${DEFAULT-VALUE}, none).")
  int documentBytes;

  @Mixin BenchCluster clusterOptions;

  @Option(
      names = "--round-trips",
      paramLabel = "N",
      defaultValue = "200",
      description = "Raw produce→consume round trips measured (default: ${DEFAULT-VALUE}).")
  int roundTrips;

  public BenchDistributedCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException, TimeoutException {
    if (children < 1
        || jobs < 1
        || warmup < 0
        || clusterOptions.workers < 1
        || roundTrips < 1
        || documentBytes < 0) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "need --children, --jobs, --workers, --round-trips >= 1 and --warmup, --document-bytes"
              + " >= 0");
    }
    String document = documentBytes == 0 ? null : BenchFanOut.document(documentBytes);
    GraphRegistry graphs = BenchFanOut.graphs(context);
    if (graphs == null) {
      return 1;
    }
    PrintStream out = context.out();
    Path dir = BenchFanOut.scratchDir();
    try (DevCluster cluster = clusterOptions.start(dir, graphs);
        JobClient client = cluster.client()) {
      out.printf(
          Locale.ROOT,
          "bench distributed: jobs of %d children x (tick, tick, tick, done)%s; %d warm-up jobs,"
              + " %d measured, one at a time; %s; %d cores%n",
          children,
          document == null ? "" : ", each holding a " + documentBytes + "-byte document",
          warmup,
          jobs,
          clusterOptions.describe(),
          Runtime.getRuntime().availableProcessors());
      double[] raw = RoundTrip.measure(cluster.cluster(), roundTrips);
      report(out, "raw round trip", raw);
      report(out, "warm-up", run(client, "warmup", warmup, document));
      double retriesBefore = CommitCost.coordinatorRetries(cluster.meters());
      double[] measured = run(client, "job", jobs, document);
      double retriesPerJob =
          (CommitCost.coordinatorRetries(cluster.meters()) - retriesBefore) / jobs;
      report(out, "measured", measured);
      out.println("coordinator commits: " + CommitCost.describe(cluster.meters()));
      double streamsCommit = CommitCost.streamsAverageMs(cluster.meters());
      BareCommit.Measured bareCommits = BareCommit.measure(cluster.cluster(), roundTrips);
      double[] bare = bareCommits.ms();
      report(out, "bare transactional commit (a record, an offset)", bare);
      out.println("  " + bareCommits.split());
      timeline(client, out);
      double p50 = Percentiles.of(measured, 50);
      double p99 = Percentiles.of(measured, 99);
      double rawP50 = Percentiles.of(raw, 50);
      // Job latency in raw round trips of the same run: comparable across noisy machines.
      out.printf(
          Locale.ROOT,
          "{\"bench\":\"distributed\",\"children\":%d,\"jobs\":%d,\"document_bytes\":%d,"
              + "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"raw_round_trip_p50_ms\":%.3f,"
              + "\"p50_round_trips\":%.1f,\"p99_round_trips\":%.1f,"
              + "\"bare_commit_p50_ms\":%.3f,\"streams_commit_avg_ms\":%s,"
              + "\"coordinator_retries_per_job\":%.2f,\"transaction_version\":%d}%n",
          children,
          jobs,
          documentBytes,
          p50,
          p99,
          rawP50,
          p50 / rawP50,
          p99 / rawP50,
          Percentiles.of(bare, 50),
          // null when Streams reported no commit in its window
          Double.isNaN(streamsCommit) ? "null" : String.format(Locale.ROOT, "%.3f", streamsCommit),
          retriesPerJob,
          CommitCost.transactionVersion(cluster.cluster().clientProps()));
      return 0;
    } finally {
      BenchFanOut.delete(dir);
    }
  }

  /** Runs {@code n} jobs one after another; returns each one's milliseconds, submit to result. */
  private double[] run(JobClient client, String prefix, int n, String document)
      throws TimeoutException {
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      JobRequest job = BenchFanOut.job(prefix + "-" + i, children, document);
      long t0 = System.nanoTime();
      client.submit(job);
      JobResult result = client.await(job, Duration.ofMinutes(2), null);
      ms[i] = (System.nanoTime() - t0) / 1e6;
      if (result.status() != JobStatus.COMPLETED) {
        throw new IllegalStateException(
            "bench job " + job.getAppId() + " failed: " + result.error());
      }
    }
    return ms;
  }

  /** One more job, followed through its tracking events: where its time went, hop by hop. */
  private void timeline(JobClient client, PrintStream out) throws TimeoutException {
    JobRequest job = BenchFanOut.job("timeline", children);
    List<TrackingEvent> events = new ArrayList<>();
    AtomicLong seenAt = new AtomicLong(-1);
    client.resultOf(job).thenRun(() -> seenAt.set(System.currentTimeMillis()));
    long submittedAt = System.currentTimeMillis();
    client.submit(job);
    client.await(job, Duration.ofMinutes(2), null, events::add);
    // The client has the result from the worker that ended the root, before the coordinator's end
    // of the job: read the events again until that is among them too (or 2 s have passed).
    for (int tries = 0; tries < 10 && !hasJobDone(events); tries++) {
      sleep(200);
      events.clear();
      client.await(job, Duration.ofMinutes(2), null, events::add);
    }
    StringBuilder line = new StringBuilder("timeline of one more job (ms after submit):");
    Timeline.of(job.getAppId(), submittedAt, seenAt.get(), events)
        .forEach((hop, ms) -> line.append(' ').append(hop).append(' ').append(ms).append(';'));
    out.println(line.substring(0, line.length() - 1));
  }

  private static boolean hasJobDone(List<TrackingEvent> events) {
    return events.stream().anyMatch(e -> e.getKind() == EventKind.JOB_DONE);
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static void report(PrintStream out, String phase, double[] ms) {
    if (ms.length == 0) {
      return;
    }
    out.printf(
        Locale.ROOT,
        "%-15s %4d: p50 %.3f ms, p90 %.3f ms, p99 %.3f ms, max %.3f ms%n",
        phase,
        ms.length,
        Percentiles.of(ms, 50),
        Percentiles.of(ms, 90),
        Percentiles.of(ms, 99),
        Percentiles.of(ms, 100));
  }
}
