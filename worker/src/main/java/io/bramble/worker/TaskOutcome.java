package io.bramble.worker;

import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.TaskResult;

/** What running a task produced: a result (completed or failed) or a fan-out to children. */
public sealed interface TaskOutcome {
  record Finished(String key, TaskResult result) implements TaskOutcome {}

  record FannedOut(String key, FanOut fanOut) implements TaskOutcome {}
}
