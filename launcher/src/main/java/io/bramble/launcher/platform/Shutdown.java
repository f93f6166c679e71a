package io.bramble.launcher.platform;

import io.bramble.runtime.HealthServer;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/** Blocks a long-running command until SIGTERM or Ctrl-C, then runs its clean-up once. */
final class Shutdown {
  private Shutdown() {}

  /**
   * Starts a service with {@code start} (which returns how to stop it) and runs it until SIGTERM or
   * Ctrl-C; then stops it and the health server. A start that fails closes the health server too.
   */
  static void runUntilSignal(HealthServer health, Supplier<Runnable> start) {
    Runnable stop;
    try {
      stop = start.get();
    } catch (RuntimeException e) {
      if (health != null) {
        health.close();
      }
      throw e;
    }
    awaitSignal(
        () -> {
          stop.run();
          if (health != null) {
            health.close();
          }
        });
  }

  static void awaitSignal(Runnable cleanUp) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    cleanUp.run();
                  } finally {
                    stopped.countDown();
                  }
                },
                "bramble-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
