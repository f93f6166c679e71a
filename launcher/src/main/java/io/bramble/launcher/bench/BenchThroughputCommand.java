package io.bramble.launcher.bench;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.devcluster.DevCluster;
import io.bramble.launcher.LauncherContext;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.worker.Worker;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bramble bench throughput}: how many child tasks per second the platform runs with many
 * jobs in flight (an in-JVM dev cluster, default settings), against what one producer→consumer pair
 * moves through one topic of the same broker in the same run; and how many Kafka records (every
 * topic, changelogs and transaction markers included) one child task costs. The last line is {@code
 * {"bench":"throughput",…,"tasks_per_s":…,"jobs_per_s":…,"raw_records_per_s":…,
 * "ratio":…,"records_per_task":…}}.
 */
@Command(
    name = "throughput",
    mixinStandardHelpOptions = true,
    description =
        "Keeps jobs of N children in flight through a dev cluster in this JVM for a while.")
public final class BenchThroughputCommand implements Callable<Integer> {
  /** How often a small job is submitted beside the big ones. */
  private static final Duration PROBE_EVERY = Duration.ofSeconds(1);

  private final LauncherContext context;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--seconds",
      paramLabel = "S",
      defaultValue = "20",
      description = "How long jobs are kept in flight (default: ${DEFAULT-VALUE}).")
  int seconds;

  @Option(
      names = "--children",
      paramLabel = "N",
      defaultValue = "1000",
      description = "Children per job (default: ${DEFAULT-VALUE}; 10 for many small jobs).")
  int children;

  @Option(
      names = "--in-flight",
      paramLabel = "J",
      description = "Jobs kept in flight (default: 8, or 100 with fewer than 100 children).")
  Integer inFlight;

  @Option(
      names = "--probe-children",
      paramLabel = "N",
      defaultValue = "10",
      description =
          "Each second, a small job of N children is submitted beside the jobs in flight, and its"
              + " latency reported: does a small job wait for the big ones? (default:"
              + " ${DEFAULT-VALUE}; 0: none; none either with fewer than 100 children per job)")
  int probeChildren;

  @Mixin BenchCluster clusterOptions;

  public BenchThroughputCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    int jobsInFlight = inFlight != null ? inFlight : children < 100 ? 100 : 8;
    if (seconds < 1 || children < 1 || jobsInFlight < 1 || clusterOptions.workers < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "need --seconds, --children, --in-flight and --workers >= 1");
    }
    GraphRegistry graphs = BenchFanOut.graphs(context);
    if (graphs == null) {
      return 1;
    }
    PrintStream out = context.out();
    Path dir = BenchFanOut.scratchDir();
    try (DevCluster cluster = clusterOptions.start(dir, graphs);
        JobClient client = cluster.client();
        Admin admin = Admin.create(cluster.cluster().clientProps())) {
      out.printf(
          Locale.ROOT,
          "bench throughput: jobs of %d children x (tick, tick, tick, done), %d in flight for %d s;"
              + " %s; %d cores%n",
          children,
          jobsInFlight,
          seconds,
          clusterOptions.describe(),
          Runtime.getRuntime().availableProcessors());
      double raw =
          RawThroughput.measure(cluster.cluster(), Duration.ofSeconds(Math.max(2, seconds / 4)));
      out.printf(Locale.ROOT, "raw: %.0f records/s through one topic (acks=all)%n", raw);
      JobRequest warmup = BenchFanOut.job("throughput-warmup", children);
      client.submit(warmup);
      client.await(warmup, Duration.ofMinutes(2), null); // the cluster warm before the window opens
      Window w = keepInFlight(client, admin, jobsInFlight, cluster);
      double tasksPerS = w.tasksInWindow / w.seconds;
      double jobsPerS = w.jobsInWindow / w.seconds;
      double recordsPerTask =
          w.records / (double) (w.jobsDone * (long) children + w.probeChildTasks);
      double jobP50 = Percentiles.of(w.jobMs, 50);
      double jobP99 = Percentiles.of(w.jobMs, 99);
      out.printf(
          Locale.ROOT,
          "bramble: %d jobs, %d tasks in %.1f s: %.0f tasks/s, %.1f jobs/s; %d records"
              + " written for %d jobs: %.2f per child task%n",
          w.jobsInWindow,
          w.tasksInWindow,
          w.seconds,
          tasksPerS,
          jobsPerS,
          w.records,
          w.jobsDone,
          recordsPerTask);
      out.println("records per job, by topic: " + perJob(w));
      out.printf(
          Locale.ROOT,
          "jobs of %d children: p50 %.0f ms, p99 %.0f ms (p99/p50 %.2f); small jobs of %d"
              + " children submitted beside them: %d, p50 %s ms, p99 %s ms%n",
          children,
          jobP50,
          jobP99,
          jobP99 / jobP50,
          probes(),
          w.probeMs.length,
          ms(Percentiles.of(w.probeMs, 50)),
          ms(Percentiles.of(w.probeMs, 99)));
      out.printf(
          Locale.ROOT,
          "{\"bench\":\"throughput\",\"children\":%d,\"in_flight\":%d,\"seconds\":%d,"
              + "\"tasks_per_s\":%.1f,\"jobs_per_s\":%.2f,\"raw_records_per_s\":%.1f,"
              + "\"ratio\":%.4f,\"records_per_task\":%.2f,\"job_p50_ms\":%.1f,"
              + "\"job_p99_ms\":%.1f,\"probe_children\":%d,\"probe_p50_ms\":%s,"
              + "\"probe_p99_ms\":%s,\"coordinator_retries_per_job\":%.2f}%n",
          children,
          jobsInFlight,
          seconds,
          tasksPerS,
          jobsPerS,
          raw,
          tasksPerS / raw,
          recordsPerTask,
          jobP50,
          jobP99,
          probes(),
          ms(Percentiles.of(w.probeMs, 50)),
          ms(Percentiles.of(w.probeMs, 99)),
          w.coordinatorRetries / (double) w.jobsDone);
      return 0;
    } finally {
      BenchFanOut.delete(dir);
    }
  }

  /**
   * What a window of jobs in flight produced: jobs finished in it, and tasks the workers finished
   * in it (a job finishes its thousand children at once, so a count of jobs moves in steps of many
   * tasks); and for every job, the window's and those still running when it closed, {@code records}
   * written in all, {@code byTopic} of them per topic.
   */
  private record Window(
      long jobsInWindow,
      long tasksInWindow,
      double seconds,
      long jobsDone,
      double[] jobMs,
      double[] probeMs,
      long probeChildTasks,
      double coordinatorRetries,
      long records,
      Map<String, Long> byTopic) {}

  /** Children of the small jobs submitted beside the big ones; 0: none. */
  private int probes() {
    return children < 100 ? 0 : probeChildren;
  }

  /** Milliseconds as JSON: null when there were none. */
  private static String ms(double value) {
    return Double.isNaN(value) ? "null" : String.format(Locale.ROOT, "%.1f", value);
  }

  /** Tasks the cluster's workers have finished (a result or a fan-out written). */
  private static long tasksDone(DevCluster cluster) {
    return cluster.workers().stream().mapToLong(Worker::tasksDone).sum();
  }

  /** The records each topic got per job, most first (topics that got none left out). */
  private static String perJob(Window w) {
    return w.byTopic().entrySet().stream()
        .filter(e -> e.getValue() > 0)
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .map(
            e ->
                String.format(
                    Locale.ROOT, "%s %.1f", e.getKey(), e.getValue() / (double) w.jobsDone()))
        .collect(Collectors.joining(", "));
  }

  /**
   * Keeps {@code jobsInFlight} jobs submitted, each result awaited through the client, replacing
   * every finished job with a new one until the window closes; then waits for the jobs still
   * running, so every record they wrote is counted.
   */
  private Window keepInFlight(JobClient client, Admin admin, int jobsInFlight, DevCluster cluster)
      throws InterruptedException {
    BlockingQueue<JobResult> finished = new LinkedBlockingQueue<>();
    Map<String, Long> running = new HashMap<>(); // app id → submitted at (ns)
    Map<String, Long> probing = new HashMap<>();
    List<Double> jobMs = new ArrayList<>();
    List<Double> probeMs = new ArrayList<>();
    Map<String, Long> recordsBefore = KafkaRecords.byTopic(admin);
    double retriesBefore = CommitCost.coordinatorRetries(cluster.meters());
    long tasksBefore = tasksDone(cluster);
    long t0 = System.nanoTime();
    long nextProbe = t0 + PROBE_EVERY.toNanos();
    long windowEnd = t0 + Duration.ofSeconds(seconds).toNanos();
    long inWindow = 0;
    long done = 0;
    int next = 0;
    long closedAt = 0;
    long tasksInWindow = 0;
    while (true) {
      boolean open = System.nanoTime() < windowEnd;
      if (!open && closedAt == 0) {
        closedAt = System.nanoTime();
        tasksInWindow = tasksDone(cluster) - tasksBefore;
      }
      while (open && running.size() < jobsInFlight) {
        running.put(submit(client, "throughput-" + next++, children, finished), System.nanoTime());
      }
      if (open && probes() > 0 && System.nanoTime() >= nextProbe) {
        probing.put(submit(client, "probe-" + next++, probes(), finished), System.nanoTime());
        nextProbe += PROBE_EVERY.toNanos();
      }
      if (!open && running.isEmpty() && probing.isEmpty()) {
        break;
      }
      if (System.nanoTime() > windowEnd + Duration.ofMinutes(5).toNanos()) {
        throw new IllegalStateException(running.size() + " bench jobs did not finish in 5 min");
      }
      JobResult result = finished.poll(20, TimeUnit.MILLISECONDS);
      if (result == null) {
        continue;
      }
      if (result.status() != JobStatus.COMPLETED) {
        throw new IllegalStateException(
            "bench job " + result.appId() + " failed: " + result.error());
      }
      Long probed = probing.remove(result.appId());
      if (probed != null) {
        probeMs.add((System.nanoTime() - probed) / 1e6);
        continue;
      }
      Long submitted = running.remove(result.appId());
      if (submitted != null) {
        jobMs.add((System.nanoTime() - submitted) / 1e6);
        done++;
        if (System.nanoTime() <= windowEnd) {
          inWindow++;
        }
      }
    }
    Map<String, Long> written = new TreeMap<>(KafkaRecords.byTopic(admin));
    recordsBefore.forEach((topic, before) -> written.merge(topic, -before, Long::sum));
    long records = written.values().stream().mapToLong(Long::longValue).sum();
    return new Window(
        inWindow,
        tasksInWindow,
        (closedAt - t0) / 1e9,
        done,
        jobMs.stream().mapToDouble(Double::doubleValue).toArray(),
        probeMs.stream().mapToDouble(Double::doubleValue).toArray(),
        probeMs.size() * (long) probes(),
        CommitCost.coordinatorRetries(cluster.meters()) - retriesBefore,
        records,
        written);
  }

  /** Submits a job of {@code children}, its result to {@code finished}; returns its id. */
  private static String submit(
      JobClient client, String prefix, int children, BlockingQueue<JobResult> finished) {
    JobRequest job = BenchFanOut.job(prefix, children);
    client.resultOf(job).thenAccept(finished::add);
    client.submit(job);
    return job.getAppId();
  }
}
