package io.bramble.launcher.bench;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.coordinator.CoordinatorConfig;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.devcluster.DevCluster;
import io.bramble.launcher.LauncherContext;
import io.bramble.schemas.avro.JobRequest;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bramble bench failover}: how long a job's joins stop when the coordinator instance that
 * owns them dies. A broker, registry and workers in this JVM, two {@code bramble coordinator}
 * processes; one job of many children; once a share of them has been joined, {@code kill -9} of the
 * instance that owns the job's partition; the takeover is the time from the kill to the next join
 * progress of that job: the first child's result the other instance joins (its {@code
 * bramble_join_results_total}, read every 20 ms; only that job runs). A first job of the same size
 * warms both up. The job must then complete with every child's output (the bench graph's reduce
 * checks each one). The last line is {@code
 * {"bench":"failover","takeover_ms":…,"job_ok":true|false,…}}.
 */
@Command(
    name = "failover",
    mixinStandardHelpOptions = true,
    description =
        "Kills the coordinator process that owns a running job and times until its joins go on.")
public final class BenchFailoverCommand implements Callable<Integer> {
  private static final int PARTITIONS = 4;

  private final LauncherContext context;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--children",
      paramLabel = "N",
      defaultValue = "2000",
      description = "Children of the job (default: ${DEFAULT-VALUE}).")
  int children;

  @Option(
      names = "--kill-at",
      paramLabel = "SHARE",
      defaultValue = "0.2",
      description =
          "Share of the children joined when the owner is killed (default: ${DEFAULT-VALUE}).")
  double killAt;

  @Option(
      names = "--session-timeout-ms",
      paramLabel = "MS",
      defaultValue = "3000",
      description =
          "The coordinators' session timeout (default: ${DEFAULT-VALUE}, the platform's; this"
              + " bench's broker accepts 1000 and more, Kafka's by default 6000 and more).")
  long sessionTimeoutMs;

  @Option(
      names = "--standby-replicas",
      paramLabel = "N",
      defaultValue = "1",
      description =
          "The coordinators' standby replicas (default: ${DEFAULT-VALUE}, the platform's).")
  int standbyReplicas;

  @Option(
      names = "--workers",
      paramLabel = "N",
      defaultValue = "2",
      description = "Workers in this JVM (default: ${DEFAULT-VALUE}).")
  int workers;

  public BenchFailoverCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    if (children < 20 || killAt <= 0 || killAt >= 1 || workers < 1) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "need --children >= 20, 0 < --kill-at < 1 and --workers >= 1");
    }
    GraphRegistry graphs = BenchFanOut.graphs(context);
    if (graphs == null) {
      return 1;
    }
    PrintStream out = context.out();
    Path dir = BenchFanOut.scratchDir();
    List<BenchProcess> coordinators = new ArrayList<>();
    try (DevCluster cluster = DevCluster.startWithoutCoordinator(dir, graphs, workers, PARTITIONS);
        JobClient client = cluster.client();
        Admin admin = Admin.create(cluster.cluster().clientProps())) {
      out.printf(
          Locale.ROOT,
          "bench failover: 2 coordinator processes (session timeout %d ms, %d standby replicas),"
              + " %d workers in this JVM;"
              + " a job of %d children x (tick, tick, tick, done); kill -9 of the instance owning"
              + " its partition once %.0f %% are joined%n",
          sessionTimeoutMs,
          standbyReplicas,
          workers,
          children,
          killAt * 100);
      for (int i = 1; i <= 2; i++) {
        String id = "coordinator-" + i;
        coordinators.add(
            BenchProcess.start(
                dir,
                id,
                List.of(
                    "coordinator",
                    "--bootstrap-servers",
                    cluster.bootstrapServers(),
                    "--registry-url",
                    cluster.registryUrl(),
                    "--state-dir",
                    dir.resolve(id).toString(),
                    "--session-timeout-ms",
                    Long.toString(sessionTimeoutMs),
                    "--standby-replicas",
                    Integer.toString(standbyReplicas))));
      }
      for (BenchProcess c : coordinators) {
        c.awaitReady();
      }
      String applicationId = CoordinatorConfig.applicationId(cluster.cluster().topics());
      awaitBothAssigned(admin, applicationId);

      // A first job warms both coordinators and the workers up (JIT, caches), so the measured
      // one's coordinators are not starved of CPU into missing heartbeats.
      JobRequest warmUp = BenchFanOut.job("failover-warm-up", children);
      client.submit(warmUp);
      requireCompleted(client.await(warmUp, Duration.ofMinutes(10), null));

      JobRequest job = BenchFanOut.job("failover", children);
      CompletableFuture<Void> due = new CompletableFuture<>();
      client.submit(job);
      CompletableFuture<JobResult> result =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return client.await(
                      job,
                      Duration.ofMinutes(10),
                      p -> {
                        if (p.done() >= killAt * children) {
                          due.complete(null);
                        }
                      });
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      CompletableFuture.anyOf(due, result).get();
      if (result.isDone()) {
        throw new IllegalStateException("the job ended before the kill: raise --children");
      }
      BenchProcess owner =
          owner(
              admin,
              applicationId,
              cluster.cluster().topics().jobs(),
              job.getAppId(),
              coordinators,
              dir);
      BenchProcess survivor = coordinators.get(coordinators.get(0) == owner ? 1 : 0);
      double joinedBefore = joinedBySurvivor(survivor);
      long killedAt = System.nanoTime();
      owner.kill();
      out.printf(
          Locale.ROOT,
          "%s killed %s (pid %d)%n",
          LocalTime.now().truncatedTo(ChronoUnit.MILLIS),
          owner.id(),
          owner.process().pid());
      long takeoverMs = -1;
      while (takeoverMs < 0 && !result.isDone()) {
        if (joinedBySurvivor(survivor) > joinedBefore) {
          takeoverMs = (System.nanoTime() - killedAt) / 1_000_000;
        }
        Thread.sleep(20);
      }
      JobResult r = result.get();
      for (String line : Files.readAllLines(dir.resolve(survivor.id() + ".err"))) {
        if (line.contains("INFO Coordinator") || line.contains("INFO StaleTransactions")) {
          // What the survivor said of the takeover (its rebalance, transactions it aborted).
          out.println(survivor.id() + ": " + line);
        }
      }
      boolean ok = r.status() == JobStatus.COMPLETED;
      out.printf(
          Locale.ROOT,
          "takeover: %s joined a child's result %d ms after the kill; the job %s%n",
          survivor.id(),
          takeoverMs,
          ok ? "completed, every child's output checked by its reduce" : "failed: " + r.error());
      out.printf(
          Locale.ROOT,
          "{\"bench\":\"failover\",\"takeover_ms\":%d,\"job_ok\":%b,\"session_timeout_ms\":%d,"
              + "\"standby_replicas\":%d,\"children\":%d}%n",
          takeoverMs,
          ok,
          sessionTimeoutMs,
          standbyReplicas,
          children);
      return ok && takeoverMs >= 0 ? 0 : 1;
    } finally {
      BenchProcess.stopAll(coordinators);
      BenchFanOut.delete(dir);
    }
  }

  private static void requireCompleted(JobResult r) {
    if (r.status() != JobStatus.COMPLETED) {
      throw new IllegalStateException("the warm-up job failed: " + r.error());
    }
  }

  /** Children's results the survivor has joined: none of this job's before it takes over. */
  private static double joinedBySurvivor(BenchProcess survivor) throws Exception {
    return BenchProcess.sum(survivor.scrape(), "bramble_join_results_total", "");
  }

  /** Waits until both coordinators are members that own partitions. */
  private static void awaitBothAssigned(Admin admin, String applicationId) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    while (System.nanoTime() < deadline) {
      List<MemberDescription> members = JobOwner.members(admin, applicationId);
      if (members.size() == 2
          && members.stream().allMatch(m -> !m.assignment().topicPartitions().isEmpty())) {
        return;
      }
      Thread.sleep(200);
    }
    throw new IllegalStateException("the two coordinators did not share the partitions in 90 s");
  }

  /** The coordinator process joining {@code appId}'s children (see {@link JobOwner}). */
  private static BenchProcess owner(
      Admin admin,
      String applicationId,
      String jobsTopic,
      String appId,
      List<BenchProcess> coordinators,
      Path dir)
      throws Exception {
    if (JobOwner.members(admin, applicationId).size() != 2) {
      throw new IllegalStateException(
          "a coordinator left the group before the kill (its session timed out: the machine is"
              + " too busy for this session timeout; raise --session-timeout-ms)");
    }
    String member =
        JobOwner.memberOf(admin, applicationId, jobsTopic, PARTITIONS, appId)
            .orElseThrow(() -> new IllegalStateException("no coordinator owns job " + appId));
    for (BenchProcess c : coordinators) {
      if (member.contains(JobOwner.processId(dir.resolve(c.id()), applicationId))) {
        return c;
      }
    }
    throw new IllegalStateException("no coordinator process is member " + member);
  }
}
