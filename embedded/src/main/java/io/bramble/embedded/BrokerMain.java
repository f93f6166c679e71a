package io.bramble.embedded;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * An {@link EmbeddedKafka} in a JVM of its own, for tests that kill the broker with {@code kill -9}
 * and start it again on the same data directory and port:
 *
 * <pre>
 * java -cp … io.bramble.embedded.BrokerMain --data-dir DIR --port N [--partitions N]
 * </pre>
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
    try {
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--data-dir" -> dataDir = Path.of(value(args, ++i));
          case "--port" -> port = Integer.parseInt(value(args, ++i));
          case "--partitions" -> partitions = Integer.parseInt(value(args, ++i));
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      if (dataDir == null) {
        throw new IllegalArgumentException("--data-dir is required");
      }
    } catch (IllegalArgumentException e) {
      System.err.println("BrokerMain: " + e.getMessage());
      System.err.println("usage: BrokerMain --data-dir DIR --port N [--partitions N]");
      System.exit(2);
      return;
    }

    EmbeddedKafka kafka;
    try {
      kafka =
          EmbeddedKafka.builder()
              .dataDir(dataDir)
              .port(port)
              .partitions(partitions)
              .build()
              .start();
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
