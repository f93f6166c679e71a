package io.bramble.launcher.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bramble.core.state.State;
import io.bramble.core.state.StateJson;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Prints a job's result: its final state as JSON, or its error; returns the exit code. */
public final class JobOutput {
  private JobOutput() {}

  /**
   * Prints the final state's {@code keys} (all user keys when empty); 0 when completed, 1 when
   * failed.
   */
  public static int print(JobResult result, List<String> keys, PrintStream out, PrintStream err) {
    if (result.getStatus() != JobStatus.COMPLETED) {
      err.println(
          "bramble: job "
              + result.getAppId()
              + " failed: "
              + (result.getError() == null ? "no error given" : result.getError().getMessage()));
      return 1;
    }
    State state = StateCodec.toState(result.getState());
    Map<String, Object> shown = new LinkedHashMap<>();
    state
        .userValues()
        .forEach(
            (k, v) -> {
              if (keys.isEmpty() || keys.contains(k)) {
                shown.put(k, v);
              }
            });
    try {
      out.println(
          StateJson.mapper()
              .writerWithDefaultPrettyPrinter()
              .writeValueAsString(StateJson.toNode(shown)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print the final state: " + e.getMessage(), e);
    }
    return 0;
  }
}
