package io.bramble.launcher.chaos;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.state.State;
import io.bramble.embedded.EmbeddedSchemaRegistry;
import io.bramble.launcher.chaos.ExecutionLog.Execution;
import io.bramble.launcher.chaos.ExecutionLog.Takeover;
import io.bramble.launcher.processes.ProcessCluster;
import io.bramble.launcher.processes.ProcessCluster.Killed;
import io.bramble.runtime.ClusterConfig;
import io.bramble.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.TimeoutException;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Crash test: broker, coordinator and three workers in JVMs of their own, a job with a wide
 * fan-out, and while it runs {@code kill -9} of random workers and the coordinator (each restarted
 * at once) and once of the broker (restarted on the same data directory and port). The job must
 * still end in the state an undisturbed run ends in, with every child reduced exactly once.
 *
 * <p>The schedule (victims, pauses, when the broker dies) comes from a seed, printed first; {@code
 * -Dchaos.seed=N} replays it. Each process's output is kept under {@code target/chaos-<seed>/}.
 */
class ChaosTest {
  /**
   * 1000 children whose steps wait 400 ms each (as for a slow model call): about 25 s of work for
   * three workers of concurrency 16, so the kills (every 1–4 s, plus restarts) land while children
   * run. With steps of a few ms the whole fan-out ends within 4 s, before the second kill.
   */
  private static final int CHILDREN = Integer.getInteger("chaos.children", 1000);

  private static final int SLEEP_MS = Integer.getInteger("chaos.sleepMs", 400);
  private static final int PARTITIONS = 6;
  private static final int WORKER_CONCURRENCY = 16;

  /** step ×3 and done: the most a child can re-run after losing its worker. */
  private static final int ACTIONS_PER_CHILD = 4;

  private static final List<String> WORKERS = List.of("w1", "w2", "w3");

  /**
   * Extra Kafka client properties for the workers, to try consumer settings without changing the
   * worker: {@code -Dchaos.workerClientProperties='group.instance.id={id};session.timeout.ms=6000'}
   * ({@code ;} between properties, {@code {id}} stands for the worker id).
   */
  private static final String WORKER_CLIENT_PROPERTIES =
      System.getProperty("chaos.workerClientProperties", "");

  /** One kill -9 and the restart after it. */
  record ChaosEvent(Killed killed, long restartedPid, long readyAtMs) {
    String victim() {
      return killed.name();
    }
  }

  @Test
  void killingWorkersCoordinatorAndBrokerMidJobLosesNoTaskAndReducesEveryChildOnce()
      throws Exception {
    long seed = Long.getLong("chaos.seed", new Random().nextLong());
    String replay = "seed " + seed + " (replay: -Dchaos.seed=" + seed + ")";
    System.out.println(
        "ChaosTest "
            + replay
            + ", "
            + CHILDREN
            + " children, "
            + SLEEP_MS
            + " ms per step"
            + (WORKER_CLIENT_PROPERTIES.isBlank()
                ? ""
                : ", worker client properties " + WORKER_CLIENT_PROPERTIES));
    Random random = new Random(seed);
    List<String> schedule = schedule(random);
    System.out.println("ChaosTest schedule: " + schedule);

    Path dir = Path.of("target", "chaos-" + seed).toAbsolutePath();
    deleteRecursively(dir);
    Path executions = Files.createDirectories(dir.resolve("executions"));
    long startedAt = System.nanoTime();
    String appId = "chaos-" + seed;
    EmbeddedSchemaRegistry registry = null;
    List<ChaosEvent> events = new ArrayList<>();
    try (ProcessCluster processes =
        new ProcessCluster(dir, Map.of(ExecutionRecorder.ENV, executions.toString()))) {
      String bootstrap =
          processes.startBroker(dir.resolve("kafka"), ProcessCluster.freePort(), PARTITIONS);
      registry = EmbeddedSchemaRegistry.start(bootstrap, 0);
      int registryPort = registry.port();
      List<String> clusterArgs = ProcessCluster.clusterArgs(bootstrap, registry.url(), PARTITIONS);
      processes.startCoordinator(clusterArgs, dir.resolve("coordinator-state"));
      processes.awaitReady("coordinator"); // it creates the topics and registers the schemas
      WORKERS.forEach(
          w -> processes.startWorker(w, workerArgs(clusterArgs, w), WORKER_CONCURRENCY));
      WORKERS.forEach(processes::awaitReady);
      System.out.printf(
          "ChaosTest cluster up after %.1f s%n", (System.nanoTime() - startedAt) / 1e9);

      ClusterConfig cluster =
          ClusterConfig.of(bootstrap, registry.url()).withPartitions(PARTITIONS);
      JobResult result;
      try (JobClient client =
          new JobClient(cluster, SchemaRegistryClient.builder(registry.url()).build())) {
        long submittedAt = System.currentTimeMillis();
        client.submit(
            JobClient.request(
                appId, ChaosGraph.NAME, ChaosGraph.input(CHILDREN, SLEEP_MS), Map.of()));
        for (String victim : schedule) {
          Thread.sleep(1000 + random.nextInt(3001));
          Killed killed = processes.kill(victim);
          ProcessCluster.Incarnation next = processes.restart(victim);
          if (victim.equals("broker")) {
            registry = serving(registry, bootstrap, registryPort);
          }
          events.add(new ChaosEvent(killed, next.pid(), System.currentTimeMillis()));
          System.out.printf(
              "ChaosTest t=%5.1f s: kill -9 %s (pid %d), restarted as pid %d in %.1f s%n",
              (killed.atMs() - submittedAt) / 1e3,
              victim,
              killed.pid(),
              next.pid(),
              (System.currentTimeMillis() - killed.atMs()) / 1e3);
        }
        try {
          result = client.await(appId, Duration.ofMinutes(4), null);
        } catch (TimeoutException e) {
          throw new AssertionError(
              "job "
                  + appId
                  + " had no result after 4 minutes; "
                  + replay
                  + "; logs in "
                  + dir
                  + "\n"
                  + diagnosis(processes, ExecutionLog.read(executions)),
              e);
        }
        System.out.printf(
            "ChaosTest job result after %.1f s (last kill at %.1f s)%n",
            (System.currentTimeMillis() - submittedAt) / 1e3,
            (events.get(events.size() - 1).killed().atMs() - submittedAt) / 1e3);
        // inside the client's life: a stored value of the state is read through its value store
        verify(
            result,
            result.state(),
            appId,
            ExecutionLog.read(executions),
            events,
            replay + ", logs in " + dir);
      }
    } finally {
      if (registry != null) {
        registry.close();
      }
      System.out.printf("ChaosTest took %.1f s%n", (System.nanoTime() - startedAt) / 1e9);
    }
  }

  /** Checks the job's {@code result}, its final {@code state} (stored values read when asked). */
  private void verify(
      JobResult result,
      State state,
      String appId,
      ExecutionLog log,
      List<ChaosEvent> events,
      String context) {
    assertThat(result.status())
        .as("job status (error %s); %s", result.error(), context)
        .isEqualTo(JobStatus.COMPLETED);

    // Same final state as an undisturbed run (same app id, so the same child ids).
    State expected = ChaosGraph.undisturbed(appId, ChaosGraph.input(CHILDREN, SLEEP_MS));
    assertThat(state.userValues()).as("final state; %s", context).isEqualTo(expected.userValues());

    // Every child entered the reduce exactly once, in task order.
    List<Long> items = LongStream.range(0, CHILDREN).boxed().toList();
    assertThat(state.<Long>getList("seen_items"))
        .as("items the reduce saw; %s", context)
        .isEqualTo(items);
    assertThat(state.<Long>getList("outs"))
        .as("outs; %s", context)
        .isEqualTo(items.stream().map(i -> i * 2).toList());
    List<String> children = state.getList("seen_apps");
    assertThat(new HashSet<>(children))
        .as("distinct child apps in the reduce; %s", context)
        .hasSize(CHILDREN);

    // No task lost: every child's done ran at least once, somewhere.
    assertThat(log.appsDone()).as("children whose done ran; %s", context).containsAll(children);

    // Repeated executions, attributed to the last kill before them.
    List<Execution> repeats = log.repeats();
    String perKill = perKill(log, repeats, events);
    String takeovers = takeovers(log, events);
    int reduces = log.of("reduce").size();
    String report =
        String.format(
            "%d action executions, %d repeated (%s); reduce ran %d time(s); takeovers: %s",
            log.all().size(), repeats.size(), perKill, reduces, takeovers);
    System.out.println("ChaosTest " + report);

    // Loose bound: a killed worker loses at most its in-flight tasks (concurrency 16), each of
    // which
    // re-runs at most its 4 actions from its last checkpoint; a coordinator kill is counted the
    // same; a broker kill may cost every worker its in-flight work, so it counts as three kills.
    long weight =
        events.stream().mapToLong(e -> e.victim().equals("broker") ? WORKERS.size() : 1).sum();
    long bound = weight * WORKER_CONCURRENCY * ACTIONS_PER_CHILD;
    assertThat((long) repeats.size())
        .as("repeated executions (bound %d); %s; %s", bound, report, context)
        .isLessThanOrEqualTo(bound);
  }

  /**
   * Where a stuck run stands, for a failure seen only in CI: how far the children got, and the
   * warnings and errors each process printed last.
   */
  private static String diagnosis(ProcessCluster processes, ExecutionLog log) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            "children whose done ran: %d of %d; reduce ran %d time(s); %d executions%n",
            log.appsDone().size(), CHILDREN, log.of("reduce").size(), log.all().size()));
    List<String> names = new ArrayList<>(WORKERS);
    names.add(0, "coordinator");
    names.add(0, "broker");
    for (String name : names) {
      processes
          .current(name)
          .ifPresent(
              inc -> {
                List<String> lines =
                    ProcessCluster.tail(inc.err(), 4000)
                        .lines()
                        .filter(
                            l ->
                                l.contains(" WARN ")
                                    || l.contains(" ERROR ")
                                    || l.contains("Exception"))
                        .toList();
                b.append(
                    String.format(
                        "--- %s (%s, alive %s), its last warnings and errors:%n",
                        name, inc.err().getFileName(), inc.process().isAlive()));
                lines
                    .subList(Math.max(0, lines.size() - 12), lines.size())
                    .forEach(
                        l -> b.append(l.length() > 400 ? l.substring(0, 400) : l).append('\n'));
              });
    }
    return b.toString();
  }

  private static List<String> workerArgs(List<String> clusterArgs, String workerId) {
    List<String> args = new ArrayList<>(clusterArgs);
    for (String property : WORKER_CLIENT_PROPERTIES.split(";")) {
      if (!property.isBlank()) {
        args.addAll(List.of("--client-property", property.trim().replace("{id}", workerId)));
      }
    }
    return args;
  }

  /**
   * Victims in order: 4–6 kills of workers or the coordinator (at least one of each), and the
   * broker once.
   */
  private static List<String> schedule(Random random) {
    List<String> candidates = new ArrayList<>(WORKERS);
    candidates.add("coordinator");
    List<String> victims = new ArrayList<>();
    int kills = 4 + random.nextInt(3);
    for (int i = 0; i < kills; i++) {
      victims.add(candidates.get(random.nextInt(candidates.size())));
    }
    if (victims.stream().noneMatch(WORKERS::contains)) {
      victims.set(0, WORKERS.get(random.nextInt(WORKERS.size())));
    }
    if (!victims.contains("coordinator")) {
      victims.set(kills - 1, "coordinator");
    }
    victims.add(1 + random.nextInt(kills), "broker");
    return victims;
  }

  private static String perKill(
      ExecutionLog log, List<Execution> repeats, List<ChaosEvent> events) {
    List<String> parts = new ArrayList<>();
    long before = repeats.stream().filter(r -> r.atMs() < events.get(0).killed().atMs()).count();
    if (before > 0) {
      parts.add(before + " before any kill");
    }
    for (int i = 0; i < events.size(); i++) {
      long from = events.get(i).killed().atMs();
      long to = i + 1 < events.size() ? events.get(i + 1).killed().atMs() : Long.MAX_VALUE;
      long n = repeats.stream().filter(r -> r.atMs() >= from && r.atMs() < to).count();
      long doneBefore =
          log.of("done").stream()
              .filter(d -> d.atMs() < from)
              .map(Execution::appId)
              .distinct()
              .count();
      parts.add(
          String.format(
              "%s#%d at %d%% of children done: %d",
              events.get(i).victim(), i + 1, doneBefore * 100 / CHILDREN, n));
    }
    return String.join(", ", parts);
  }

  /**
   * For each worker kill: the time until another process ran a step of a child the victim left
   * unfinished.
   */
  private static String takeovers(ExecutionLog log, List<ChaosEvent> events) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < events.size(); i++) {
      ChaosEvent e = events.get(i);
      if (!WORKERS.contains(e.victim())) {
        continue;
      }
      Optional<Takeover> t = log.takeoverAfter(e.killed().pid(), e.killed().atMs());
      String name = e.victim() + "#" + (i + 1);
      parts.add(
          t.map(
                  x ->
                      String.format(
                          "%s %.1f s (%d unfinished children, first resumed by pid %d%s)",
                          name,
                          x.afterMs() / 1e3,
                          x.unfinishedApps(),
                          x.first().pid(),
                          x.first().pid() == e.restartedPid() ? ", the restarted victim" : ""))
              .orElse(name + " n/a (nothing unfinished or never resumed)"));
    }
    return parts.isEmpty() ? "no worker was killed" : String.join("; ", parts);
  }

  /**
   * The registry keeps its schemas in {@code _schemas}; its clients reconnect after a broker
   * restart. Should it stop answering anyway, it is started again on the same port.
   */
  private static EmbeddedSchemaRegistry serving(
      EmbeddedSchemaRegistry registry, String bootstrap, int port) {
    try {
      HttpResponse<String> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(registry.url() + "/subjects"))
                      .timeout(Duration.ofSeconds(5))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() == 200) {
        return registry;
      }
      System.out.println(
          "ChaosTest registry answered "
              + r.statusCode()
              + " after the broker restart: restarting it");
    } catch (IOException e) {
      System.out.println(
          "ChaosTest registry failed after the broker restart (" + e + "): restarting it");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
    registry.close();
    return EmbeddedSchemaRegistry.start(bootstrap, port);
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }
}
