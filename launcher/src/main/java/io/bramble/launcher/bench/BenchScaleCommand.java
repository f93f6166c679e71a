package io.bramble.launcher.bench;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.devcluster.DevCluster;
import io.bramble.launcher.LauncherContext;
import io.bramble.schemas.avro.JobRequest;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bramble bench scale}: whether adding workers adds capacity or load. A dev cluster in this
 * JVM (broker, registry, coordinator) and W workers, each a {@code bramble worker} process of its
 * own; jobs run through them; then, for each worker, the checkpoint records it read ÷ the
 * checkpoint records the cluster wrote, and its heap in use. The last line is {@code
 * {"bench":"scale","workers":W,"checkpoint_reads_share_max":…,"heap_mb_max":…}}.
 */
@Command(
    name = "scale",
    mixinStandardHelpOptions = true,
    description = "Runs jobs through W worker processes and reports what each one read and holds.")
public final class BenchScaleCommand implements Callable<Integer> {
  private final LauncherContext context;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--workers",
      paramLabel = "W",
      defaultValue = "4",
      description = "Worker processes (default: ${DEFAULT-VALUE}).")
  int workers;

  @Option(
      names = "--jobs",
      paramLabel = "J",
      defaultValue = "20",
      description = "Jobs run through them (default: ${DEFAULT-VALUE}).")
  int jobs;

  @Option(
      names = "--children",
      paramLabel = "N",
      defaultValue = "100",
      description = "Children per job (default: ${DEFAULT-VALUE}).")
  int children;

  public BenchScaleCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    if (workers < 1 || jobs < 1 || children < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "need --workers, --jobs and --children >= 1");
    }
    GraphRegistry graphs = BenchFanOut.graphs(context);
    if (graphs == null) {
      return 1;
    }
    PrintStream out = context.out();
    Path dir = BenchFanOut.scratchDir();
    List<BenchProcess> started = new ArrayList<>();
    try (DevCluster cluster = DevCluster.start(dir, graphs, 0, 4);
        JobClient client = cluster.client();
        Admin admin = Admin.create(cluster.cluster().clientProps())) {
      out.printf(
          Locale.ROOT,
          "bench scale: %d worker processes; %d jobs of %d children x (tick, tick, tick, done)%n",
          workers,
          jobs,
          children);
      for (int i = 1; i <= workers; i++) {
        String id = "scale-w" + i;
        started.add(
            BenchProcess.start(
                dir,
                id,
                List.of(
                    "worker",
                    "--bootstrap-servers",
                    cluster.bootstrapServers(),
                    "--registry-url",
                    cluster.registryUrl(),
                    "--worker-id",
                    id)));
      }
      for (BenchProcess w : started) {
        w.awaitReady();
      }
      long writtenBefore = checkpointRecords(admin, cluster.cluster().topics().checkpoints());
      List<JobRequest> submitted = new ArrayList<>();
      for (int i = 0; i < jobs; i++) {
        JobRequest job = BenchFanOut.job("scale-" + i, children);
        client.submit(job);
        submitted.add(job);
      }
      for (JobRequest job : submitted) {
        JobResult result = client.await(job, Duration.ofMinutes(5), null);
        if (result.status() != JobStatus.COMPLETED) {
          throw new IllegalStateException(
              "bench job " + job.getAppId() + " failed: " + result.error());
        }
      }
      // The readers follow the topic continuously: let them reach its end (tombstones included).
      Thread.sleep(2_000);
      long written =
          checkpointRecords(admin, cluster.cluster().topics().checkpoints()) - writtenBefore;
      double shareMax = 0;
      double heapMax = 0;
      for (BenchProcess w : started) {
        String metrics = w.scrape();
        double read =
            BenchProcess.sum(
                metrics, "bramble_checkpoints_read_total", "worker=\"" + w.id() + "\"");
        double heapMb =
            BenchProcess.sum(metrics, "jvm_memory_used_bytes", "area=\"heap\"") / (1024 * 1024);
        double share = written == 0 ? 0 : read / written;
        shareMax = Math.max(shareMax, share);
        heapMax = Math.max(heapMax, heapMb);
        out.printf(
            Locale.ROOT,
            "%s: read %.0f of %d checkpoint records written (share %.3f); heap in use %.1f MB%n",
            w.id(),
            read,
            written,
            share,
            heapMb);
      }
      out.printf(
          Locale.ROOT,
          "{\"bench\":\"scale\",\"workers\":%d,\"checkpoint_reads_share_max\":%.3f,"
              + "\"heap_mb_max\":%.1f}%n",
          workers,
          shareMax,
          heapMax);
      return 0;
    } finally {
      BenchProcess.stopAll(started);
      BenchFanOut.delete(dir);
    }
  }

  private static long checkpointRecords(Admin admin, String topic) throws Exception {
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    admin
        .describeTopics(List.of(topic))
        .allTopicNames()
        .get()
        .get(topic)
        .partitions()
        .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
    long sum = 0;
    for (var e : admin.listOffsets(latest).all().get().values()) {
      sum += e.offset();
    }
    return sum;
  }
}
