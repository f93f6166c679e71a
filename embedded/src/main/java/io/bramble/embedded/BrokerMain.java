package io.bramble.embedded;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * An {@link EmbeddedKafka} in a JVM of its own, for tests that kill the broker with {@code kill -9}
 * and start it again on the same data directory and port:
 *
 * <pre>
 * java -cp … io.bramble.embedded.BrokerMain --data-dir DIR --port N [--partitions N]
 *     [--node-id N --controller-port N --quorum-voters 1@localhost:P1,2@… --cluster-id ID]
 *     [--broker-property K=V]…
 * </pre>
 *
 * <p>With {@code --node-id} it is one node of a cluster of several (see {@link
 * EmbeddedKafka.Builder#node}).
 *
 * <p>Prints {@code READY <bootstrap servers>} on stdout once the broker accepts clients, then runs
 * until the process ends; a normal exit (SIGTERM, Ctrl-C) shuts the broker down cleanly. Exits with
 * 2 on bad arguments and 1 when the broker cannot start.
 */
public final class BrokerMain {
  private BrokerMain() {}

  public static void main(String[] args) throws InterruptedException {
    Path dataDir = null;
    int port = 0;
    int partitions = 1;
    int nodeId = -1;
    int controllerPort = 0;
    String voters = null;
    String clusterId = null;
    Map<String, String> brokerProperties = new LinkedHashMap<>();
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--data-dir" -> dataDir = Path.of(value(args, ++i));
          case "--port" -> port = Integer.parseInt(value(args, ++i));
          case "--partitions" -> partitions = Integer.parseInt(value(args, ++i));
          case "--node-id" -> nodeId = Integer.parseInt(value(args, ++i));
          case "--controller-port" -> controllerPort = Integer.parseInt(value(args, ++i));
          case "--quorum-voters" -> voters = value(args, ++i);
          case "--cluster-id" -> clusterId = value(args, ++i);
          case "--broker-property" -> {
            String kv = value(args, ++i);
            int eq = kv.indexOf('=');
            if (eq < 1) {
              throw new IllegalArgumentException("--broker-property needs KEY=VALUE: " + kv);
            }
            brokerProperties.put(kv.substring(0, eq), kv.substring(eq + 1));
          }
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      if (dataDir == null) {
        throw new IllegalArgumentException("--data-dir is required");
      }
      if ((nodeId >= 0) != (voters != null) || (voters != null) != (clusterId != null)) {
        throw new IllegalArgumentException(
            "--node-id, --quorum-voters and --cluster-id go together");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("BrokerMain: " + e.getMessage());
      System.err.println(
          "usage: BrokerMain --data-dir DIR --port N [--partitions N] [--node-id N"
              + " --controller-port N --quorum-voters VOTERS --cluster-id ID]"
              + " [--broker-property K=V]...");
      System.exit(2);
      return;
    }

    EmbeddedKafka kafka;
    try {
      EmbeddedKafka.Builder builder =
          EmbeddedKafka.builder()
              .dataDir(dataDir)
              .port(port)
              .controllerPort(controllerPort)
              .partitions(partitions);
      if (nodeId >= 0) {
        builder.node(nodeId, voters, clusterId);
      }
      brokerProperties.forEach(builder::brokerProperty);
      kafka = builder.build().start();
    } catch (RuntimeException e) {
      e.printStackTrace();
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    kafka.close();
                  } finally {
                    stopped.countDown();
                  }
                },
                "broker-shutdown"));
    System.out.println("READY " + kafka.bootstrapServers());
    System.out.flush();
    stopped.await();
  }

  private static String value(String[] args, int i) {
    if (i >= args.length) {
      throw new IllegalArgumentException(args[i - 1] + " needs a value");
    }
    return args[i];
  }
}
