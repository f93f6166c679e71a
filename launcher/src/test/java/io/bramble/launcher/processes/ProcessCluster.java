package io.bramble.launcher.processes;

import io.bramble.embedded.BrokerMain;
import io.bramble.launcher.Bramble;
import io.bramble.launcher.graphs.GraphClassPath;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A broker, a coordinator and workers, each in a JVM of its own started from this JVM's class path
 * with the environment given (for crash tests, and for tests of what a process loads at start-up).
 * Every incarnation writes {@code <name>-<n>.out} and {@code .err} under the run's folder. {@link
 * #kill} is {@code kill -9}; {@link #restart} starts the same command again. Whatever happens,
 * {@link #close} (or, if the test JVM itself dies, a shutdown hook) kills every process still
 * running.
 */
public final class ProcessCluster implements AutoCloseable {
  /** One run of one named process. */
  public record Incarnation(String name, int number, Process process, Path out, Path err) {
    public long pid() {
      return process.pid();
    }
  }

  /** A process killed with {@code kill -9} at {@code atMs}. */
  public record Killed(String name, long pid, long atMs) {}

  /** A process's arguments, its ready line, and whether graph code is on its class path. */
  private record Command(List<String> args, String readyPrefix, boolean graphs) {
    Command(List<String> args, String readyPrefix) {
      this(args, readyPrefix, true);
    }
  }

  /**
   * Small heaps for 2 cores; Bramble's own logs and group membership changes at INFO, for
   * diagnosis.
   */
  private static final List<String> JVM_OPTIONS =
      List.of(
          "-Xmx384m",
          "-XX:+UseSerialGC",
          "-XX:TieredStopAtLevel=1",
          "-Dorg.slf4j.simpleLogger.showDateTime=true",
          "-Dorg.slf4j.simpleLogger.dateTimeFormat=HH:mm:ss.SSS",
          "-Dorg.slf4j.simpleLogger.log.io.bramble=info",
          "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients.consumer.internals.ConsumerCoordinator=info",
          "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.clients.consumer.internals.AbstractCoordinator=info",
          "-Dorg.slf4j.simpleLogger.log.org.apache.kafka.streams.KafkaStreams=info");

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final Map<String, String> environment;
  private final String classPath;
  private final String coordinatorClassPath;
  private final Map<String, Command> commands = new LinkedHashMap<>();
  private final Map<String, Incarnation> running = new LinkedHashMap<>();
  private final Map<String, Integer> starts = new LinkedHashMap<>();
  private final Thread killAllOnExit = new Thread(this::killAll, "chaos-kill-all");

  /** Processes writing their output under {@code dir}, each with {@code environment} added. */
  public ProcessCluster(Path dir, Map<String, String> environment) {
    this.dir = dir;
    this.environment = Map.copyOf(environment);
    // Surefire runs tests from a manifest-only jar; the real class path is in this property.
    this.classPath =
        snapshot(
            System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
            dir.resolve("classes"));
    this.coordinatorClassPath = withoutGraphs(classPath);
    Runtime.getRuntime().addShutdownHook(killAllOnExit);
  }

  /** A port free now, for a broker to listen on. */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The flags that point a {@code bramble} process at a cluster. */
  public static List<String> clusterArgs(String bootstrap, String registryUrl, int partitions) {
    return List.of(
        "--bootstrap-servers",
        bootstrap,
        "--registry-url",
        registryUrl,
        "--partitions",
        Integer.toString(partitions));
  }

  /** Starts the broker on {@code port} and waits for it; returns its bootstrap servers. */
  public String startBroker(Path dataDir, int port, int partitions) {
    start(
        "broker",
        new Command(
            List.of(
                BrokerMain.class.getName(),
                "--data-dir",
                dataDir.toString(),
                "--port",
                Integer.toString(port),
                "--partitions",
                Integer.toString(partitions)),
            "READY "));
    return awaitReady("broker").substring("READY ".length()).trim();
  }

  /**
   * Starts broker {@code name}, node {@code nodeId} of cluster {@code clusterId} whose quorum is
   * {@code voters} (its controller port among them), with {@code brokerProperties}; see {@link
   * #awaitReady}: the nodes of a cluster are ready once all of them run.
   */
  public void startClusterBroker(
      String name,
      Path dataDir,
      int port,
      int partitions,
      int nodeId,
      int controllerPort,
      String voters,
      String clusterId,
      Map<String, String> brokerProperties) {
    List<String> args =
        new ArrayList<>(
            List.of(
                BrokerMain.class.getName(),
                "--data-dir",
                dataDir.toString(),
                "--port",
                Integer.toString(port),
                "--partitions",
                Integer.toString(partitions),
                "--node-id",
                Integer.toString(nodeId),
                "--controller-port",
                Integer.toString(controllerPort),
                "--quorum-voters",
                voters,
                "--cluster-id",
                clusterId));
    brokerProperties.forEach((k, v) -> args.addAll(List.of("--broker-property", k + "=" + v)));
    start(name, new Command(args, "READY "));
  }

  /**
   * Starts {@code bramble coordinator} on {@link #coordinatorClassPath()}, without any graph code
   * (and without {@code BRAMBLE_CLASSPATH}): it runs no user code; see {@link #awaitReady}.
   */
  public void startCoordinator(List<String> clusterArgs, Path stateDir) {
    startCoordinator("coordinator", clusterArgs, stateDir);
  }

  /** As {@link #startCoordinator(List, Path)}, one of several instances, named {@code name}. */
  public void startCoordinator(String name, List<String> clusterArgs, Path stateDir) {
    List<String> args = new ArrayList<>(List.of(Bramble.class.getName(), "coordinator"));
    args.addAll(clusterArgs);
    args.addAll(List.of("--state-dir", stateDir.toString(), "--health-port", "0"));
    start(name, new Command(args, "bramble coordinator", false));
  }

  /** Starts {@code bramble worker --worker-id id}; see {@link #awaitReady}. */
  public void startWorker(String id, List<String> clusterArgs, int concurrency) {
    startWorker(id, clusterArgs, concurrency, List.of());
  }

  /** As {@link #startWorker(String, List, int)}, with more worker flags (e.g. {@code --pools}). */
  public void startWorker(
      String id, List<String> clusterArgs, int concurrency, List<String> workerArgs) {
    List<String> args = new ArrayList<>(List.of(Bramble.class.getName(), "worker"));
    args.addAll(clusterArgs);
    args.addAll(workerArgs);
    args.addAll(
        List.of(
            "--worker-id",
            id,
            "--concurrency",
            Integer.toString(concurrency),
            "--health-port",
            "0"));
    start(id, new Command(args, "bramble worker"));
  }

  /** {@code kill -9} (SIGKILL on Linux) and wait until the process is gone. */
  public synchronized Killed kill(String name) throws InterruptedException {
    Incarnation victim = running.remove(name);
    if (victim == null) {
      throw new IllegalStateException(name + " is not running");
    }
    long at = System.currentTimeMillis();
    victim.process().destroyForcibly();
    victim.process().waitFor();
    return new Killed(name, victim.pid(), at);
  }

  /** Starts {@code name} again with the command of its last start and waits until it is ready. */
  public Incarnation restart(String name) {
    Command c = commands.get(name);
    start(name, c);
    awaitReady(name);
    return current(name).orElseThrow();
  }

  public synchronized Optional<Incarnation> current(String name) {
    return Optional.ofNullable(running.get(name));
  }

  /**
   * Waits until the current incarnation of {@code name} prints its ready line (the broker's {@code
   * READY host:port}, the banner of a coordinator or worker); returns the line.
   */
  public String awaitReady(String name) {
    Incarnation inc =
        current(name).orElseThrow(() -> new IllegalStateException(name + " is not running"));
    String prefix = commands.get(name).readyPrefix();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    try {
      while (System.nanoTime() < deadline) {
        if (Files.exists(inc.out())) {
          Optional<String> line =
              Files.readAllLines(inc.out()).stream().filter(l -> l.startsWith(prefix)).findFirst();
          if (line.isPresent()) {
            return line.get();
          }
        }
        if (!inc.process().isAlive()) {
          throw new IllegalStateException(
              name
                  + " ("
                  + inc.out().getFileName()
                  + ") exited with "
                  + inc.process().exitValue()
                  + " before it was ready; stderr tail:\n"
                  + tail(inc.err(), 30));
        }
        Thread.sleep(100);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for " + name, e);
    }
    throw new IllegalStateException(
        name
            + " was not ready within "
            + READY_TIMEOUT.toSeconds()
            + " s; stderr tail:\n"
            + tail(inc.err(), 30));
  }

  private synchronized void start(String name, Command command) {
    if (running.containsKey(name)) {
      throw new IllegalStateException(name + " is already running");
    }
    int n = starts.merge(name, 1, Integer::sum);
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(JVM_OPTIONS);
    cmd.addAll(List.of("-cp", command.graphs() ? classPath : coordinatorClassPath));
    cmd.addAll(command.args());
    Path out = dir.resolve(name + "-" + n + ".out");
    Path err = dir.resolve(name + "-" + n + ".err");
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(environment);
    if (!command.graphs()) {
      pb.environment().remove(GraphClassPath.ENV);
    }
    try {
      running.put(name, new Incarnation(name, n, pb.start(), out, err));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start " + name, e);
    }
    commands.put(name, command);
  }

  /** Kills every process still running. */
  @Override
  public void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(killAllOnExit);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private synchronized void killAll() {
    for (Incarnation inc : running.values()) {
      inc.process().destroyForcibly();
    }
    for (Incarnation inc : running.values()) {
      try {
        inc.process().waitFor();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    running.clear();
  }

  /**
   * The class path with its folders (target/classes, target/test-classes) and Bramble's own jars
   * copied under {@code into}: a process (re)started late in the run must not load classes from a
   * module rebuilt or re-installed meanwhile (seen: NoClassDefFoundError in a running coordinator).
   */
  private static String snapshot(String classPath, Path into) {
    List<String> entries = new ArrayList<>();
    int i = 0;
    for (String entry : classPath.split(File.pathSeparator)) {
      Path source = Path.of(entry);
      if (Files.isRegularFile(source) && source.getFileName().toString().startsWith("bramble-")) {
        Path copy = into.resolve(i++ + "-" + source.getFileName());
        try {
          Files.createDirectories(into);
          Files.copy(source, copy);
        } catch (IOException e) {
          throw new UncheckedIOException("cannot copy " + source, e);
        }
        entries.add(copy.toString());
        continue;
      }
      if (!Files.isDirectory(source)) {
        entries.add(entry);
        continue;
      }
      Path target = into.resolve(Integer.toString(i++));
      try (var paths = Files.walk(source)) {
        for (Path p : paths.toList()) {
          Path copy = target.resolve(source.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(copy);
          } else {
            Files.copy(p, copy);
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot copy " + source, e);
      }
      entries.add(target.toString());
    }
    return String.join(File.pathSeparator, entries);
  }

  /** The coordinator's class path: the platform without the example graphs and the tests' ones. */
  public String coordinatorClassPath() {
    return coordinatorClassPath;
  }

  /**
   * {@code classPath} without its entries that hold graph code: the examples and the test classes
   * (the snapshot names each copy after where it came from, see {@link #snapshot}).
   */
  private static String withoutGraphs(String classPath) {
    List<String> kept = new ArrayList<>();
    for (String entry : classPath.split(File.pathSeparator)) {
      Path p = Path.of(entry);
      boolean graphs =
          p.getFileName().toString().matches("\\d+-bramble-examples.*")
              || Files.exists(p.resolve(GRAPH_SERVICES));
      if (!graphs) {
        kept.add(entry);
      }
    }
    return String.join(File.pathSeparator, kept);
  }

  /** Where a folder of graph code registers its graph providers. */
  private static final String GRAPH_SERVICES =
      "META-INF/services/io.bramble.core.registry.GraphProvider";

  public static String tail(Path file, int lines) {
    try {
      if (!Files.exists(file)) {
        return "(no " + file.getFileName() + ")";
      }
      List<String> all = Files.readAllLines(file);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException | UncheckedIOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }
}
