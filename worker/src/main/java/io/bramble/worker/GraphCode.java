package io.bramble.worker;

import io.bramble.core.registry.GraphRegistry;
import java.util.function.Supplier;

/**
 * Runs a graph version's code with its own jar's class loader as the thread's context loader: two
 * versions' classes never meet (a library that loads by name finds the version's own).
 */
final class GraphCode {
  private GraphCode() {}

  /** {@code work}, run with {@code entry}'s class loader (the current one when it has none). */
  static <T> T call(GraphRegistry.Entry entry, Supplier<T> work) {
    ClassLoader own = entry.provider().getClass().getClassLoader();
    Thread thread = Thread.currentThread();
    ClassLoader before = thread.getContextClassLoader();
    if (own != null) {
      thread.setContextClassLoader(own);
    }
    try {
      return work.get();
    } finally {
      thread.setContextClassLoader(before);
    }
  }
}
