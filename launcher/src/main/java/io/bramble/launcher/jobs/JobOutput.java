package io.bramble.launcher.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.state.State;
import io.bramble.core.state.StateInternals;
import io.bramble.core.state.StateJson;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Prints a job's result: its final state as JSON, or its error; returns the exit code. */
public final class JobOutput {
  private JobOutput() {}

  /**
   * Prints the final state's {@code keys} (all user keys when empty); 0 when completed, 1 when
   * failed. A halted job prints its state as it stands and, on {@code err}, what waits for a
   * resume: 0 too, it did what was asked.
   */
  public static int print(JobResult result, List<String> keys, PrintStream out, PrintStream err) {
    return print(result, keys, out, err, false, List.of());
  }

  /**
   * As above; {@code oneLine} prints the state as one line of JSON (after JSON lines). A value kept
   * in the value store prints as its size and beginning ({@code {"stored": {"bytes": …, "sha256":
   * …, "preview": …}}}), unless {@code read} names its key: then it is read whole.
   */
  public static int print(
      JobResult result,
      List<String> keys,
      PrintStream out,
      PrintStream err,
      boolean oneLine,
      List<String> read) {
    if (result.status() == JobStatus.HALTED) {
      err.println(halted(result));
    } else if (result.status() != JobStatus.COMPLETED) {
      err.println(
          "bramble: job "
              + result.appId()
              + " failed: "
              + (result.error() == null ? "no error given" : result.error().message()));
      return 1;
    }
    State state = result.state();
    Map<String, Object> shown = new LinkedHashMap<>();
    StateInternals.raw(state)
        .forEach(
            (k, v) -> {
              if (!StateInternals.isInternal(k) && (keys.isEmpty() || keys.contains(k))) {
                // a stored value not asked for prints as its size and beginning (StateJson)
                shown.put(k, read.contains(k) ? state.get(k) : v);
              }
            });
    try {
      out.println(
          oneLine
              ? StateJson.mapper().writeValueAsString(StateJson.toNode(shown))
              : StateJson.mapper()
                  .writerWithDefaultPrettyPrinter()
                  .writeValueAsString(StateJson.toNode(shown)));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print the final state: " + e.getMessage(), e);
    }
    return 0;
  }

  /** "halted before approve: …; resume with bramble resume ID --inputs JSON". */
  /** What {@code watch} and {@code submit --wait} say of a pool whose tasks have no worker. */
  static String waitingFor(String pool, long lag) {
    return "waiting for a worker of pool "
        + pool
        + " ("
        + lag
        + (lag == 1 ? " task" : " tasks")
        + " waiting in it)";
  }

  static String halted(JobResult result) {
    List<JobResult.Waiting> waiting = result.waiting();
    String who =
        waiting.size() == 1 && waiting.get(0).appId().equals(result.appId())
            ? "job " + result.appId() + " halted before " + waiting.get(0).nextAction()
            : "job "
                + result.appId()
                + " halted before "
                + result.nextAction()
                + ": "
                + waiting.size()
                + " app(s) wait for input: "
                + waiting.stream()
                    .map(
                        w ->
                            (w.label().isEmpty() ? "" : w.label() + " ")
                                + w.appId()
                                + " (before "
                                + w.nextAction()
                                + ")")
                    .collect(Collectors.joining(", "));
    return who
        + "; continue with: bramble resume "
        + (waiting.isEmpty() ? result.appId() : waiting.get(0).appId())
        + " [--inputs JSON]";
  }
}
