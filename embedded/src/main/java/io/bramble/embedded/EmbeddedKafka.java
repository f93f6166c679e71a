package io.bramble.embedded;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.regex.Pattern;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;

/**
 * A Kafka node (KRaft, broker and controller in one) running inside this JVM: alone by default, or
 * one of a cluster of several ({@link Builder#node}).
 *
 * <p>The data directory is persistent: it is formatted once (when {@code meta.properties} is
 * missing) with a cluster id that then stays in the directory, and a later start on the same
 * directory keeps topics, records and committed offsets. The ports used are remembered in the data
 * directory, and a start with port 0 re-uses them when they are still free.
 *
 * <pre>{@code
 * try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(Path.of(".bramble/kafka")).build().start()) {
 *     String bootstrap = kafka.bootstrapServers();
 * }
 * }</pre>
 *
 * <p>By default every listener is PLAINTEXT and anyone may do anything. With {@link
 * Builder#saslPlain(Map)} the client and controller listeners take SASL/PLAIN logins instead (users
 * and passwords given to the builder; the broker logs in as one of them for its own
 * broker-to-controller and inter-broker traffic), and {@link Builder#aclAuthorizer(String)} turns
 * on KRaft's {@code StandardAuthorizer}: every request then needs an ACL, except the super user's
 * (who is also the broker's own identity).
 *
 * <pre>{@code
 * EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir)
 *         .saslPlain(Map.of("admin", "admin-secret", "bramble", "bramble-secret"))
 *         .aclAuthorizer("admin")
 *         .build().start();
 * Map<String, String> asBramble = kafka.clientProperties("bramble"); // security.protocol, sasl.mechanism, sasl.jaas.config
 * }</pre>
 */
public final class EmbeddedKafka implements AutoCloseable {

  /** Kafka's own log directory, below the data directory. */
  static final String LOG_DIR = "kraft-logs";

  /** Ports and cluster id of the last start, below the data directory. */
  static final String STATE_FILE = "bramble-embedded-kafka.properties";

  private static final String HOST = "localhost";

  /** The broker's authorizer when {@link Builder#aclAuthorizer(String)} is set. */
  static final String STANDARD_AUTHORIZER =
      "org.apache.kafka.metadata.authorizer.StandardAuthorizer";

  private static final String PLAIN_LOGIN_MODULE =
      "org.apache.kafka.common.security.plain.PlainLoginModule";

  /** User names that can stand in a JAAS option key ({@code user_<name>}) without quoting. */
  private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9_-]+");

  private final Path dataDir;
  private final int requestedPort;
  private final int requestedControllerPort;
  private final int partitions;
  private final Map<String, String> overrides;
  private final int nodeId;

  /** The KRaft quorum ({@code id@host:port,…}); null for this node alone. */
  private final String quorumVoters;

  /** The cluster id every node of the quorum is formatted with; null for this node alone. */
  private final String sharedClusterId;

  /** SASL/PLAIN users and passwords; empty for the PLAINTEXT default. */
  private final Map<String, String> saslUsers;

  /** The ACL super user, or null when no authorizer is configured. */
  private final String superUser;

  private KafkaRaftServer server;
  private int port;
  private int controllerPort;
  private String clusterId;

  private EmbeddedKafka(Builder builder) {
    this.dataDir = builder.dataDir.toAbsolutePath();
    this.requestedPort = builder.port;
    this.requestedControllerPort = builder.controllerPort;
    this.partitions = builder.partitions;
    this.overrides = Map.copyOf(builder.overrides);
    this.nodeId = builder.nodeId;
    this.quorumVoters = builder.quorumVoters;
    this.sharedClusterId = builder.clusterId;
    this.saslUsers = Collections.unmodifiableMap(new LinkedHashMap<>(builder.saslUsers));
    this.superUser = builder.superUser;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Formats the data directory if it has never been formatted, then starts the broker and returns
   * once it accepts clients.
   */
  public synchronized EmbeddedKafka start() {
    if (server != null) {
      throw new IllegalStateException("EmbeddedKafka is already running on " + bootstrapServers());
    }
    Path logDir = dataDir.resolve(LOG_DIR);
    Properties previous = readState();
    port = choosePort(requestedPort, previous.getProperty("port"), -1);
    controllerPort =
        choosePort(requestedControllerPort, previous.getProperty("controller.port"), port);

    Properties props = brokerProperties(logDir);
    try {
      Files.createDirectories(logDir);
      clusterId =
          formatIfNeeded(
              logDir,
              sharedClusterId != null ? sharedClusterId : previous.getProperty("cluster.id"));
      writeState();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot prepare Kafka data directory " + dataDir, e);
    }

    KafkaRaftServer raftServer =
        new KafkaRaftServer(KafkaConfig.fromProps(props, false), Time.SYSTEM);
    try {
      raftServer.startup();
    } catch (RuntimeException e) {
      try {
        raftServer.shutdown();
        raftServer.awaitShutdown();
      } catch (RuntimeException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new IllegalStateException("Embedded Kafka failed to start on " + dataDir, e);
    }
    server = raftServer;
    return this;
  }

  /** {@code localhost:PORT}, for {@code bootstrap.servers}. */
  public String bootstrapServers() {
    requireRunning();
    return HOST + ":" + port;
  }

  public int port() {
    requireRunning();
    return port;
  }

  public int controllerPort() {
    requireRunning();
    return controllerPort;
  }

  /** The cluster id stored in the data directory. */
  public String clusterId() {
    requireRunning();
    return clusterId;
  }

  public Path dataDir() {
    return dataDir;
  }

  /**
   * {@code PLAINTEXT}, or {@code SASL_PLAINTEXT} when built with {@link Builder#saslPlain(Map)}.
   */
  public String securityProtocol() {
    return saslUsers.isEmpty() ? "PLAINTEXT" : "SASL_PLAINTEXT";
  }

  /**
   * Whether the broker authorizes requests against ACLs ({@link Builder#aclAuthorizer(String)}).
   */
  public boolean aclsEnabled() {
    return superUser != null;
  }

  /**
   * The client properties that log {@code user} in (besides {@code bootstrap.servers}): empty on a
   * PLAINTEXT broker, else {@code security.protocol}, {@code sasl.mechanism} and {@code
   * sasl.jaas.config} for that user and its password.
   *
   * @throws IllegalArgumentException for a user the broker does not know
   */
  public Map<String, String> clientProperties(String user) {
    if (saslUsers.isEmpty()) {
      return Map.of();
    }
    String password = saslUsers.get(user);
    if (password == null) {
      throw new IllegalArgumentException(
          "no SASL user '" + user + "' on this broker; users: " + saslUsers.keySet());
    }
    return saslPlainClientProperties(user, password);
  }

  /**
   * {@code security.protocol=SASL_PLAINTEXT}, {@code sasl.mechanism=PLAIN} and a {@code
   * sasl.jaas.config} for {@code user} and {@code password}: what any Kafka client needs to log in
   * to a SASL/PLAIN listener (whether or not the credentials are right).
   */
  public static Map<String, String> saslPlainClientProperties(String user, String password) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("security.protocol", "SASL_PLAINTEXT");
    p.put("sasl.mechanism", "PLAIN");
    p.put(
        "sasl.jaas.config",
        PLAIN_LOGIN_MODULE
            + " required username="
            + quote(user)
            + " password="
            + quote(password)
            + ";");
    return p;
  }

  public synchronized boolean isRunning() {
    return server != null;
  }

  /** Shuts the broker down cleanly (controlled shutdown, logs flushed) and waits for it. */
  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    try {
      server.shutdown();
      server.awaitShutdown();
    } finally {
      server = null;
    }
  }

  private synchronized void requireRunning() {
    if (server == null) {
      throw new IllegalStateException("EmbeddedKafka is not running");
    }
  }

  private Properties brokerProperties(Path logDir) {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(nodeId));
    p.put(
        "controller.quorum.voters",
        quorumVoters != null ? quorumVoters : nodeId + "@" + HOST + ":" + controllerPort);
    p.put("controller.listener.names", "CONTROLLER");
    String listener = securityProtocol();
    p.put("inter.broker.listener.name", listener);
    p.put(
        "listeners",
        listener + "://" + HOST + ":" + port + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", listener + "://" + HOST + ":" + port);
    p.put("listener.security.protocol.map", listener + ":" + listener + ",CONTROLLER:" + listener);
    if (!saslUsers.isEmpty()) {
      saslProperties(p);
    }
    p.put("log.dirs", logDir.toString());
    p.put("metadata.log.dir", logDir.toString());
    p.put("num.partitions", Integer.toString(partitions));
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    // without these exactly-once Kafka Streams never reaches RUNNING on one broker
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // Kafka's floor is 6 s; a coordinator may choose a shorter session for a faster failover
    p.put("group.min.session.timeout.ms", "1000");
    // the 128 MiB default runs a small heap out of memory
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    // a restart after a crash does not wait for the dead incarnation's session
    p.put("broker.session.timeout.ms", "2000");
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "4");
    p.put("background.threads", "4");
    p.putAll(overrides);
    Properties props = new Properties();
    props.putAll(p);
    return props;
  }

  /**
   * SASL/PLAIN on both listeners. The controller listener is SASL too (not PLAINTEXT) so that the
   * broker's registration and heartbeats reach the controller as the super user rather than as
   * {@code User:ANONYMOUS}, which the authorizer would refuse (and which must not be made a super
   * user: anyone reaching the controller port would then be one). Each listener's JAAS entry holds
   * the accepted logins ({@code user_NAME="PASSWORD"}) and the broker's own login ({@code
   * username}/{@code password}), used when it connects as a client of that listener.
   */
  private void saslProperties(Map<String, String> p) {
    String brokerUser = superUser != null ? superUser : saslUsers.keySet().iterator().next();
    StringBuilder jaas =
        new StringBuilder(PLAIN_LOGIN_MODULE)
            .append(" required username=")
            .append(quote(brokerUser))
            .append(" password=")
            .append(quote(saslUsers.get(brokerUser)));
    saslUsers.forEach(
        (user, password) -> jaas.append(" user_").append(user).append('=').append(quote(password)));
    jaas.append(';');
    p.put("sasl.enabled.mechanisms", "PLAIN");
    p.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
    p.put("sasl.mechanism.controller.protocol", "PLAIN");
    p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas.toString());
    p.put("listener.name.controller.plain.sasl.jaas.config", jaas.toString());
    if (superUser != null) {
      p.put("authorizer.class.name", STANDARD_AUTHORIZER);
      p.put("super.users", "User:" + superUser);
      p.put("allow.everyone.if.no.acl.found", "false");
    }
  }

  /** A JAAS option value: double-quoted, with backslashes and quotes escaped. */
  private static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }

  /** Formats the log directory when it has no {@code meta.properties}; returns the cluster id. */
  private String formatIfNeeded(Path logDir, String rememberedClusterId) throws IOException {
    Path meta = logDir.resolve("meta.properties");
    if (Files.exists(meta)) {
      Properties p = new Properties();
      try (InputStream in = Files.newInputStream(meta)) {
        p.load(in);
      }
      return p.getProperty("cluster.id");
    }
    String id = rememberedClusterId != null ? rememberedClusterId : Uuid.randomUuid().toString();
    Formatter formatter =
        new Formatter()
            .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
            .setNodeId(nodeId)
            .setClusterId(id)
            .setDirectories(List.of(logDir.toString()))
            .setMetadataLogDirectory(logDir.toString())
            .setControllerListenerName("CONTROLLER")
            .setIgnoreFormatted(true);
    try {
      formatter.run();
    } catch (Exception e) {
      throw new IllegalStateException("Cannot format Kafka log directory " + logDir, e);
    }
    return id;
  }

  private Properties readState() {
    Properties p = new Properties();
    Path file = dataDir.resolve(STATE_FILE);
    if (Files.exists(file)) {
      try (InputStream in = Files.newInputStream(file)) {
        p.load(in);
      } catch (IOException e) {
        // a damaged state file only costs the remembered ports
      }
    }
    return p;
  }

  private void writeState() throws IOException {
    Properties p = new Properties();
    p.setProperty("port", Integer.toString(port));
    p.setProperty("controller.port", Integer.toString(controllerPort));
    p.setProperty("cluster.id", clusterId);
    try (OutputStream out = Files.newOutputStream(dataDir.resolve(STATE_FILE))) {
      p.store(
          out,
          "Bramble embedded Kafka: ports of the last start (re-used when free) and cluster id");
    }
  }

  /** The requested port; for 0, the remembered one if it is free, else a free one. */
  private static int choosePort(int requested, String remembered, int taken) {
    if (requested != 0) {
      return requested;
    }
    if (remembered != null) {
      try {
        int previous = Integer.parseInt(remembered.trim());
        if (previous != taken && isFree(previous)) {
          return previous;
        }
      } catch (NumberFormatException e) {
        // fall through to a free port
      }
    }
    for (int attempt = 0; attempt < 10; attempt++) {
      int free = freePort();
      if (free != taken) {
        return free;
      }
    }
    throw new IllegalStateException("No free port found");
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return "EmbeddedKafka["
        + dataDir
        + (server != null ? ", " + HOST + ":" + port : ", stopped")
        + "]";
  }

  /** Settings of an {@link EmbeddedKafka}; all optional except the data directory. */
  public static final class Builder {
    private Path dataDir;
    private int port;
    private int controllerPort;
    private int partitions = 1;
    private int nodeId = 1;
    private String quorumVoters;
    private String clusterId;
    private final Map<String, String> overrides = new LinkedHashMap<>();
    private final Map<String, String> saslUsers = new LinkedHashMap<>();
    private String superUser;

    private Builder() {}

    /** Where topics and metadata live; a later start on the same directory resumes from it. */
    public Builder dataDir(Path dataDir) {
      this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
      return this;
    }

    /**
     * Client port (PLAINTEXT, or SASL_PLAINTEXT with {@link #saslPlain(Map)}); 0, the default,
     * re-uses the previous port when free, else any free port.
     */
    public Builder port(int port) {
      this.port = checkPort(port);
      return this;
    }

    /** Controller (KRaft quorum) port; 0, the default, as for {@link #port(int)}. */
    public Builder controllerPort(int controllerPort) {
      this.controllerPort = checkPort(controllerPort);
      return this;
    }

    /** Default partition count of new topics ({@code num.partitions}); 1 unless set. */
    public Builder partitions(int partitions) {
      if (partitions < 1) {
        throw new IllegalArgumentException("partitions must be at least 1: " + partitions);
      }
      this.partitions = partitions;
      return this;
    }

    /**
     * One node of a cluster of several (each broker and controller, as this one): its id, the
     * quorum of every node, {@code 1@localhost:PORT,2@localhost:PORT,…} with their controller ports
     * (this node's being {@link #controllerPort(int)}), and the cluster id all are formatted with
     * (a base64 UUID). Each node is started on its own data directory with the same quorum; a start
     * returns once the quorum has a leader, so the nodes are started together. A node alone (the
     * default) is node 1, its own quorum.
     */
    public Builder node(int nodeId, String quorumVoters, String clusterId) {
      if (nodeId < 0) {
        throw new IllegalArgumentException("node id must not be negative: " + nodeId);
      }
      this.nodeId = nodeId;
      this.quorumVoters = Objects.requireNonNull(quorumVoters, "quorumVoters");
      this.clusterId = Objects.requireNonNull(clusterId, "clusterId");
      return this;
    }

    /** Any broker setting; wins over Bramble's defaults. */
    public Builder brokerProperty(String key, String value) {
      overrides.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * SASL/PLAIN logins instead of PLAINTEXT on the client and controller listeners ({@code
     * SASL_PLAINTEXT}: logins, no encryption; for development and tests). Names may hold letters,
     * digits, {@code _} and {@code -}. Without {@link #aclAuthorizer(String)} the broker logs in as
     * the first user given (in the map's iteration order).
     */
    public Builder saslPlain(Map<String, String> usersAndPasswords) {
      Objects.requireNonNull(usersAndPasswords, "usersAndPasswords");
      if (usersAndPasswords.isEmpty()) {
        throw new IllegalArgumentException("saslPlain needs at least one user");
      }
      usersAndPasswords.forEach(
          (user, password) -> {
            if (user == null || !USER_NAME.matcher(user).matches()) {
              throw new IllegalArgumentException(
                  "SASL user names may hold letters, digits, _ and -: '" + user + "'");
            }
            Objects.requireNonNull(password, "password of " + user);
          });
      saslUsers.clear();
      saslUsers.putAll(usersAndPasswords);
      return this;
    }

    /**
     * Authorizes every request against ACLs (KRaft's {@code StandardAuthorizer}, with {@code
     * allow.everyone.if.no.acl.found=false}); {@code superUser}, one of the {@link #saslPlain(Map)}
     * users, may do anything and is the broker's own identity.
     */
    public Builder aclAuthorizer(String superUser) {
      this.superUser = Objects.requireNonNull(superUser, "superUser");
      return this;
    }

    public EmbeddedKafka build() {
      if (dataDir == null) {
        throw new IllegalStateException("dataDir is required");
      }
      if (superUser != null && !saslUsers.containsKey(superUser)) {
        throw new IllegalStateException(
            saslUsers.isEmpty()
                ? "aclAuthorizer needs saslPlain: on PLAINTEXT every client is User:ANONYMOUS"
                : "the super user '"
                    + superUser
                    + "' must be one of the saslPlain users "
                    + saslUsers.keySet());
      }
      return new EmbeddedKafka(this);
    }

    private static int checkPort(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port out of range: " + port);
      }
      return port;
    }
  }
}
