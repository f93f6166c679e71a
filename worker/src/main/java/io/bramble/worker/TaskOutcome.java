package io.bramble.worker;

import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;

/**
 * What running a task produced: a result (completed or failed), a fan-out to children, or the app's
 * task for another worker (moved to another version of its graph, or to one this worker lacks).
 */
public sealed interface TaskOutcome {
  /**
   * An app's result, under {@code key}; for a root that completed or failed, also its job's result
   * ({@code jobResult}), which the worker writes itself (its {@code result} says so).
   */
  record Finished(String key, TaskResult result, JobResult jobResult) implements TaskOutcome {
    public Finished(String key, TaskResult result) {
      this(key, result, null);
    }
  }

  record FannedOut(String key, FanOut fanOut) implements TaskOutcome {}

  /**
   * {@code task} runs on: in its pool, or in its version's lane when this worker lacks the version.
   */
  record Forwarded(Task task) implements TaskOutcome {}
}
