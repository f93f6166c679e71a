package io.bramble.core.parallel;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * Runs a parallel step's children. Implementations may run them on threads, on a pool, or
 * elsewhere; they must return results in task order and wait for every task before failing.
 */
public interface ParallelExecutor {
  /**
   * Runs every task and returns their results in task order. If any failed, throws the failure of
   * the first failed task (in task order) after all tasks have ended, wrapped as {@link
   * TaskFailure}.
   */
  <T> List<T> invokeAll(List<? extends Callable<T>> tasks) throws TaskFailure;

  /**
   * The failure of the first failed task ({@code index}), with every task's result or failure
   * (index-aligned; null where there is none) for callers that tolerate failures.
   */
  final class TaskFailure extends Exception {
    private final int index;
    private final transient List<Object> results;
    private final transient List<Throwable> failures;

    public TaskFailure(int index, Throwable cause) {
      this(index, cause, List.of(), List.of());
    }

    public TaskFailure(int index, Throwable cause, List<Object> results, List<Throwable> failures) {
      super(cause);
      this.index = index;
      this.results = Collections.unmodifiableList(new ArrayList<>(results));
      this.failures = Collections.unmodifiableList(new ArrayList<>(failures));
    }

    public int index() {
      return index;
    }

    public List<Object> results() {
      return results;
    }

    public List<Throwable> failures() {
      return failures;
    }
  }
}
