package io.bramble.containers;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.ExposedPort;
import io.bramble.client.JobClient;
import io.bramble.runtime.ClusterConfig;
import io.bramble.schemas.registry.SchemaRegistryClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.MountableFile;

/**
 * Bramble in containers on one Docker network: the Kafka broker (Testcontainers' Kafka module), the
 * schema registry, the coordinator and the workers (each a {@link GenericContainer} of the Bramble
 * image, configured by {@code BRAMBLE_*} variables as in compose.yaml). The test JVM reaches the
 * broker and the registry through their mapped ports. Each container's output goes to {@code
 * target/container-logs/<name>.log} when the cluster closes.
 */
final class BrambleCluster implements AutoCloseable {
  static final int PARTITIONS = 6;
  private static final Logger LOG = LoggerFactory.getLogger(BrambleCluster.class);
  private static final String KAFKA_INTERNAL = "kafka:19092";
  private static final String REGISTRY_INTERNAL = "http://registry:8081";

  /** Small heaps and a quick JIT: seven JVMs share two cores. */
  private static final String JAVA_OPTS = "-Xmx256m -XX:+UseSerialGC -XX:TieredStopAtLevel=1";

  private static final Duration STARTUP = Duration.ofSeconds(120);

  private final Images images;
  private final Path logs;
  private final Network network = Network.newNetwork();
  private final KafkaContainer kafka;
  private final GenericContainer<?> registry;
  private final GenericContainer<?> coordinator;
  private final Map<String, GenericContainer<?>> workers = new LinkedHashMap<>();
  private final int workerConcurrency;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private BrambleCluster(Images images, Path logs, int workerConcurrency) {
    this.images = images;
    this.logs = logs;
    this.workerConcurrency = workerConcurrency;
    this.kafka =
        new KafkaContainer(images.kafka())
            .withNetwork(network)
            .withListener(KAFKA_INTERNAL)
            .withEnv("KAFKA_HEAP_OPTS", "-Xmx512m")
            .withEnv("KAFKA_LOG_CLEANER_DEDUPE_BUFFER_SIZE", "16777216")
            .withEnv("KAFKA_NUM_PARTITIONS", Integer.toString(PARTITIONS))
            .withStartupTimeout(STARTUP);
    // The registry: the embedded one, from the Bramble image's jar plus RegistryMain's class file.
    this.registry =
        new GenericContainer<>(images.bramble())
            .withNetwork(network)
            .withNetworkAliases("registry")
            .withCopyFileToContainer(
                MountableFile.forClasspathResource("io/bramble/containers/RegistryMain.class"),
                "/opt/registry/io/bramble/containers/RegistryMain.class")
            .withCreateContainerCmdModifier(cmd -> cmd.withEntrypoint("java"))
            .withCommand(
                "-Xmx128m",
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                "/opt/bramble/bramble.jar:/opt/registry",
                RegistryMain.class.getName(),
                KAFKA_INTERNAL,
                "8081")
            .withExposedPorts(8081)
            .waitingFor(
                Wait.forHttp("/subjects")
                    .forPort(8081)
                    .forStatusCode(200)
                    .withStartupTimeout(STARTUP));
    // The coordinator runs no user code: it starts from the launcher jar alone, without the
    // image's graphs (/opt/bramble/graphs), as a deployment may run it.
    this.coordinator =
        bramble("coordinator", 8090)
            .withEnv("BRAMBLE_STATE_DIR", "/var/lib/bramble/coordinator")
            .withEnv("BRAMBLE_COMMIT_INTERVAL_MS", "50")
            .withCreateContainerCmdModifier(
                cmd ->
                    cmd.withEntrypoint(
                        "sh",
                        "-c",
                        "exec java $BRAMBLE_JAVA_OPTS -cp /opt/bramble/bramble.jar"
                            + " io.bramble.launcher.Bramble \"$@\"",
                        "bramble"))
            .withCommand("coordinator");
  }

  /** Starts the broker, the registry, the coordinator and {@code workers} workers (w1, w2, …). */
  static BrambleCluster start(int workers, int workerConcurrency) {
    Images images = Images.chosen();
    Path logs = Path.of("target", "container-logs").toAbsolutePath();
    try {
      Files.createDirectories(logs);
      try (var old = Files.list(logs)) {
        for (Path f : old.toList()) {
          Files.delete(f);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LOG.info(
        "images: kafka {}, bramble {}; container logs in {}",
        images.kafka(),
        images.bramble(),
        logs);
    BrambleCluster cluster = new BrambleCluster(images, logs, workerConcurrency);
    try {
      long t0 = System.nanoTime();
      cluster.kafka.start();
      LOG.info("kafka up at {} after {} ms", cluster.kafka.getBootstrapServers(), ms(t0));
      cluster.registry.start();
      LOG.info("registry up at {} after {} ms", cluster.registryUrl(), ms(t0));
      cluster.coordinator.start(); // creates the topics and registers the schemas
      LOG.info("coordinator up after {} ms", ms(t0));
      List<String> ids = new ArrayList<>();
      for (int i = 1; i <= workers; i++) {
        ids.add("w" + i);
      }
      ids.parallelStream().forEach(cluster::startWorker);
      LOG.info("{} workers up after {} ms", workers, ms(t0));
      cluster.supervisor.setDaemon(true);
      cluster.supervisor.start();
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private static long ms(long t0) {
    return (System.nanoTime() - t0) / 1_000_000;
  }

  private GenericContainer<?> bramble(String name, int healthPort) {
    return new GenericContainer<>(images.bramble())
        .withNetwork(network)
        .withNetworkAliases(name)
        .withEnv("BRAMBLE_BOOTSTRAP_SERVERS", KAFKA_INTERNAL)
        .withEnv("BRAMBLE_REGISTRY_URL", REGISTRY_INTERNAL)
        .withEnv("BRAMBLE_TOPIC_PREFIX", "bramble.")
        .withEnv("BRAMBLE_PARTITIONS", Integer.toString(PARTITIONS))
        .withEnv("BRAMBLE_HEALTH_PORT", Integer.toString(healthPort))
        .withEnv("BRAMBLE_JAVA_OPTS", JAVA_OPTS)
        .withExposedPorts(healthPort)
        .waitingFor(
            Wait.forHttp("/health/ready")
                .forPort(healthPort)
                .forStatusCode(200)
                .withStartupTimeout(STARTUP));
  }

  /** Starts worker {@code id} ({@code BRAMBLE_WORKER_ID}) and waits until it is ready. */
  GenericContainer<?> startWorker(String id) {
    GenericContainer<?> worker =
        bramble(id, 8091)
            .withEnv("BRAMBLE_WORKER_ID", id)
            .withEnv("BRAMBLE_WORKER_CONCURRENCY", Integer.toString(workerConcurrency))
            .withCommand("worker");
    synchronized (workers) {
      workers.put(id, worker);
    }
    worker.start();
    supervised.add(id); // ready now: from here on, the supervisor watches it
    return worker;
  }

  JobClient client() {
    ClusterConfig config =
        ClusterConfig.of(kafka.getBootstrapServers(), registryUrl()).withPartitions(PARTITIONS);
    return new JobClient(config, SchemaRegistryClient.builder(registryUrl()).build());
  }

  ClusterConfig config() {
    return ClusterConfig.of(kafka.getBootstrapServers(), registryUrl()).withPartitions(PARTITIONS);
  }

  String registryUrl() {
    return "http://" + registry.getHost() + ":" + registry.getMappedPort(8081);
  }

  GenericContainer<?> worker(String id) {
    return workers.get(id);
  }

  GenericContainer<?> coordinator() {
    return coordinator;
  }

  KafkaContainer kafka() {
    return kafka;
  }

  // --- faults, through the Docker API -----------------------------------------------------------

  private static DockerClient docker() {
    return DockerClientFactory.instance().client();
  }

  void disconnect(GenericContainer<?> c) {
    docker()
        .disconnectFromNetworkCmd()
        .withNetworkId(network.getId())
        .withContainerId(c.getContainerId())
        .exec();
  }

  /** Connects {@code c} to the network again, under its alias. */
  void reconnect(GenericContainer<?> c, String alias) {
    docker()
        .connectToNetworkCmd()
        .withNetworkId(network.getId())
        .withContainerId(c.getContainerId())
        .withContainerNetwork(new ContainerNetwork().withAliases(alias))
        .exec();
  }

  /**
   * {@code docker pause}. Freezing a busy container's cgroup sometimes fails at once ("unable to
   * freeze", runc on cgroup v1 under load; runc thaws it again), so this tries up to five times.
   */
  void pause(GenericContainer<?> c) throws InterruptedException {
    RuntimeException last = null;
    for (int attempt = 1; attempt <= 5; attempt++) {
      try {
        docker().pauseContainerCmd(c.getContainerId()).exec();
        if (attempt > 1) {
          LOG.info("paused {} at attempt {}", c.getContainerName(), attempt);
        }
        return;
      } catch (RuntimeException e) {
        last = e;
        LOG.warn(
            "docker pause {} failed (attempt {}): {}",
            c.getContainerName(),
            attempt,
            e.getMessage());
        Thread.sleep(300);
      }
    }
    throw last;
  }

  void unpause(GenericContainer<?> c) {
    docker().unpauseContainerCmd(c.getContainerId()).exec();
  }

  /**
   * {@code docker kill} (SIGKILL): the container stays, with its file system (the coordinator's
   * state dir).
   */
  void kill(GenericContainer<?> c) {
    docker().killContainerCmd(c.getContainerId()).exec();
  }

  /** {@code docker start} of a killed container: the same command, file system and network. */
  void restart(GenericContainer<?> c) {
    docker().startContainerCmd(c.getContainerId()).exec();
  }

  boolean running(GenericContainer<?> c) {
    return Boolean.TRUE.equals(
        docker().inspectContainerCmd(c.getContainerId()).exec().getState().getRunning());
  }

  /**
   * Asks {@code c}'s {@code /health/ready} on {@code port} through its current host port (a
   * restarted container gets a new one, so it is looked up afresh); false when it does not answer
   * 200.
   */
  boolean ready(GenericContainer<?> c, int port) {
    HttpResponse<String> r = get(c, port, "/health/ready");
    return r != null && r.statusCode() == 200;
  }

  /**
   * The sum of the Prometheus samples named {@code metric} (every label set) on {@code c}'s {@code
   * /metrics}, e.g. a worker's {@code bramble_tasks_completed_total}; -1 if it does not answer.
   */
  double metric(GenericContainer<?> c, int port, String metric) {
    HttpResponse<String> r = get(c, port, "/metrics");
    if (r == null || r.statusCode() != 200) {
      return -1;
    }
    return r.body()
        .lines()
        .filter(l -> l.startsWith(metric + " ") || l.startsWith(metric + "{"))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
        .sum();
  }

  private HttpResponse<String> get(GenericContainer<?> c, int port, String path) {
    try {
      var bindings =
          docker()
              .inspectContainerCmd(c.getContainerId())
              .exec()
              .getNetworkSettings()
              .getPorts()
              .getBindings()
              .get(ExposedPort.tcp(port));
      if (bindings == null || bindings.length == 0) {
        return null;
      }
      URI uri = URI.create("http://" + c.getHost() + ":" + bindings[0].getHostPortSpec() + path);
      return http.send(
          HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (IOException | RuntimeException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Waits up to {@code timeout} for {@link #ready}. */
  boolean awaitReady(GenericContainer<?> c, int port, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (ready(c, port)) {
        return true;
      }
      Thread.sleep(250);
    }
    return false;
  }

  /** Worker ids, in start order. */
  List<String> workerIds() {
    synchronized (workers) {
      return new ArrayList<>(workers.keySet());
    }
  }

  /** {@code docker restart}: the process starts again in the same container. */
  void restartContainer(GenericContainer<?> c) {
    docker().restartContainerCmd(c.getContainerId()).withTimeout(10).exec();
  }

  /**
   * Writes each container's whole output (every run of it, restarts included) to {@code
   * target/container-logs/}.
   */
  private void dumpLogs(String name, GenericContainer<?> c) {
    if (c.getContainerId() == null) {
      return;
    }
    try {
      Files.writeString(logs.resolve(name + ".log"), c.getLogs());
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot save the output of {}: {}", name, e.toString());
    }
  }

  // --- the supervisor ---------------------------------------------------------------------------

  /**
   * With {@code -Dcontainers.strict=true} a worker that stops being ready stays as it is; by
   * default the supervisor restarts it, as an orchestrator restarts a container that fails its
   * health check. A worker whose task consumer failed (after a rebalance, a commit timeout while
   * the broker or the network was away) stays alive but idle and not ready: see the README.
   */
  static final boolean STRICT = Boolean.getBoolean("containers.strict");

  private final Set<String> faulted = ConcurrentHashMap.newKeySet();
  private final Set<String> supervised = ConcurrentHashMap.newKeySet();
  private final Map<String, Integer> notReadyChecks = new ConcurrentHashMap<>();
  private final Map<String, Long> restartedAtNanos = new ConcurrentHashMap<>();
  private final List<String> restarts = new CopyOnWriteArrayList<>();
  private volatile boolean closing;
  private final Thread supervisor = new Thread(this::supervise, "worker-supervisor");

  /**
   * A fault is being applied to {@code id}: the supervisor leaves it alone until {@link #healed}.
   */
  void faulted(String id) {
    faulted.add(id);
  }

  void healed(String id) {
    notReadyChecks.remove(id);
    faulted.remove(id);
  }

  /** Workers the supervisor restarted, with when. */
  List<String> restarts() {
    return List.copyOf(restarts);
  }

  private void supervise() {
    while (!closing) {
      try {
        Thread.sleep(2_000);
        for (String id : workerIds()) {
          GenericContainer<?> w = worker(id);
          Long restarted = restartedAtNanos.get(id);
          boolean inGrace =
              restarted != null && System.nanoTime() - restarted < Duration.ofSeconds(30).toNanos();
          if (closing || !supervised.contains(id) || faulted.contains(id)) {
            continue;
          }
          if (ready(w, 8091)) {
            notReadyChecks.remove(id);
            restartedAtNanos.remove(id);
            continue;
          }
          if (inGrace || notReadyChecks.merge(id, 1, Integer::sum) < 3) {
            continue;
          }
          String what = id + " at " + LocalTime.now().withNano(0);
          if (STRICT) {
            LOG.error(
                "{} is not ready (its task consumer stopped); strict mode: left as it is", id);
            restarts.add("NOT restarted (strict): " + what);
            faulted.add(id);
            continue;
          }
          LOG.warn(
              "{} is not ready (its task consumer stopped; see target/container-logs/{}.log): restarting it",
              id,
              id);
          restarts.add(what);
          restartedAtNanos.put(id, System.nanoTime());
          notReadyChecks.remove(id);
          restartContainer(w);
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        LOG.warn("supervisor: {}", e.toString());
      }
    }
  }

  @Override
  public void close() {
    closing = true;
    supervisor.interrupt();
    Map<String, GenericContainer<?>> named = new LinkedHashMap<>(workers);
    named.put("coordinator", coordinator);
    named.put("registry", registry);
    named.put("kafka", kafka);
    named.forEach(this::dumpLogs);
    List<GenericContainer<?>> all = new ArrayList<>(workers.values());
    all.add(coordinator);
    all.add(registry);
    all.add(kafka);
    for (GenericContainer<?> c : all) {
      try {
        if (c.getContainerId() != null) {
          try {
            docker().unpauseContainerCmd(c.getContainerId()).exec();
          } catch (RuntimeException notPaused) {
            // fine
          }
        }
        c.stop();
      } catch (RuntimeException e) {
        LOG.warn("cannot stop a container: {}", e.toString());
      }
    }
    network.close();
  }
}
