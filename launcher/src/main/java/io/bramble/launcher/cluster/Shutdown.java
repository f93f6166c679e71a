package io.bramble.launcher.cluster;

import java.util.concurrent.CountDownLatch;

/** Blocks a long-running command until SIGTERM or Ctrl-C, then runs its clean-up once. */
final class Shutdown {
  private Shutdown() {}

  static void awaitSignal(Runnable cleanUp) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        cleanUp.run();
      } finally {
        stopped.countDown();
      }
    }, "bramble-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
