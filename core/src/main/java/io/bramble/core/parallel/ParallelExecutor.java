package io.bramble.core.parallel;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs a parallel step's children. Implementations may run them on threads, on a pool, or
 * elsewhere; they must return results in task order and wait for every task before failing.
 */
public interface ParallelExecutor {
  /**
   * Runs every task and returns their results in task order. If any failed, throws the failure of
   * the first failed task (in task order) after all tasks have ended, wrapped as {@link TaskFailure}.
   */
  <T> List<T> invokeAll(List<? extends Callable<T>> tasks) throws TaskFailure;

  /** The failure of the task at {@code index}. */
  final class TaskFailure extends Exception {
    private final int index;

    public TaskFailure(int index, Throwable cause) {
      super(cause);
      this.index = index;
    }

    public int index() {
      return index;
    }
  }
}
