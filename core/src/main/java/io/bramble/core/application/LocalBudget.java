package io.bramble.core.application;

/**
 * A parallel step's {@code maxConcurrency} on local threads: its children start in task order, at
 * most {@code limit} at once, as the coordinator releases them when distributed. Each child takes
 * its turn even when it will not run (cancelled), so those after it are not held up.
 */
final class LocalBudget {
  private final int limit;
  private int nextTurn;
  private int running;

  LocalBudget(int limit) {
    this.limit = limit;
  }

  /** Waits until child {@code index}'s turn has come and a place is free, and takes it. */
  synchronized void take(int index) throws InterruptedException {
    while (nextTurn != index || running >= limit) {
      wait();
    }
    nextTurn++;
    running++;
    notifyAll();
  }

  synchronized void free() {
    running--;
    notifyAll();
  }
}
