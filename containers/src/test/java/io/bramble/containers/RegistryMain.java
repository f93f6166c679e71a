package io.bramble.containers;

import io.bramble.embedded.EmbeddedSchemaRegistry;
import java.util.concurrent.CountDownLatch;

/**
 * Bramble's embedded schema registry as a process of its own: {@code RegistryMain BOOTSTRAP PORT}.
 * The suite runs it in a container of the Bramble image ({@code java -cp bramble.jar:<this
 * class>}), since the launcher has no command for a standalone registry; schemas live in the
 * broker's {@code _schemas} topic, as with {@code bramble dev}.
 */
public final class RegistryMain {
  private RegistryMain() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 2) {
      System.err.println("usage: RegistryMain BOOTSTRAP_SERVERS PORT");
      System.exit(2);
    }
    EmbeddedSchemaRegistry registry =
        EmbeddedSchemaRegistry.builder(args[0])
            .host("0.0.0.0")
            .port(Integer.parseInt(args[1]))
            .start();
    Runtime.getRuntime().addShutdownHook(new Thread(registry::close));
    System.out.println("REGISTRY READY on port " + registry.port());
    new CountDownLatch(1).await();
  }
}
