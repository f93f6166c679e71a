package io.bramble.launcher.settings;

import io.bramble.client.JobRequestBuilder;
import io.bramble.core.application.Halt;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * {@code --halt-before} and {@code --halt-after}, for {@code run}, {@code submit} and {@code
 * resume}.
 */
public final class HaltOptions {
  @Option(
      names = "--halt-before",
      split = ",",
      paramLabel = "ACTION",
      description =
          "Pause in front of these actions (names or @tag:NAME). A job (submit, run --distributed): any app of its tree"
              + " that gets there waits, HALTED, for `bramble resume`. A run in this JVM: the run stops (with --persist,"
              + " the same command without the halt continues it). A resume: the app's halts from then on (none given:"
              + " the ones it had).")
  List<String> before = new ArrayList<>();

  @Option(
      names = "--halt-after",
      split = ",",
      paramLabel = "ACTION",
      description = "Pause after these actions (as --halt-before).")
  List<String> after = new ArrayList<>();

  /** The halts, for a run in this JVM. */
  public Halt halt() {
    return Halt.of(before, after);
  }

  /** {@code request} with these halts. */
  public JobRequestBuilder applyTo(JobRequestBuilder request) {
    return request
        .haltBefore(before.toArray(String[]::new))
        .haltAfter(after.toArray(String[]::new));
  }
}
