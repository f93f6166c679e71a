package io.bramble.launcher.jobs;

import io.bramble.client.ChunkSubscription;
import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** {@code --stream} and {@code --json}: how a command that follows a job prints it. */
public final class StreamOptions {
  @Option(
      names = "--stream",
      description =
          "Print the partial results of the job's running steps, every child's too, as they"
              + " arrive (<child label> | <text>), before the final state.")
  boolean stream;

  @Option(
      names = "--json",
      description =
          "Print JSON lines: one object per streamed chunk (root_app_id, app_id, parent_app_id,"
              + " label, action, sequence_id, attempt, chunk), then the final state on one line.")
  boolean json;

  @Option(
      names = "--value",
      paramLabel = "KEY",
      description =
          "Print the final state's value of KEY whole, though it is kept in the value store (such a"
              + " value prints as its size and beginning otherwise); repeatable.")
  List<String> values = new ArrayList<>();

  /** How long the stream may take to catch up once the result is there. */
  private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(30);

  /** Waits for a job's result, reporting join progress to {@code progress} (may be null). */
  @FunctionalInterface
  interface Awaiting {
    JobResult result(Consumer<JobClient.Progress> progress) throws TimeoutException;
  }

  /**
   * The job's result from {@code await}, with a progress bar on {@code progressTo} (null: none);
   * with {@code --stream}, printing the stream of job {@code rootAppId} (from {@code fromMs}, 0:
   * all the streams topic keeps) to {@code out} meanwhile instead, all of it before returning (a
   * bar redrawn in place would break into the streamed lines).
   */
  JobResult follow(
      JobClient client,
      String rootAppId,
      long fromMs,
      PrintStream out,
      PrintStream progressTo,
      Awaiting await)
      throws TimeoutException {
    if (!stream) {
      if (progressTo == null) {
        return await.result(null);
      }
      ProgressBar bar = new ProgressBar(progressTo);
      JobResult result = await.result(bar);
      bar.finish();
      return result;
    }
    ChunkPrinter printer = new ChunkPrinter(out, json);
    try (ChunkSubscription chunks = client.subscribe(rootAppId, fromMs, printer)) {
      JobResult result = await.result(null);
      chunks.drain(DRAIN_TIMEOUT);
      return result;
    } finally {
      printer.endLine();
    }
  }

  public boolean stream() {
    return stream;
  }

  /**
   * Prints {@code result} as these options say (JSON on one line or pretty; the stored values of
   * {@code --value} keys whole, read through the client that answered, still open); returns the
   * exit code.
   */
  int print(JobResult result, PrintStream out, PrintStream err) {
    return JobOutput.print(result, List.of(), out, err, json, values);
  }

  public boolean json() {
    return json;
  }
}
