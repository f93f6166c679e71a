package io.bramble.launcher.jobs;

import io.bramble.client.JobClient;
import java.io.PrintStream;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * A one-line progress bar of children done out of children launched, and the pools the job waits
 * for, redrawn in place.
 */
public final class ProgressBar implements Consumer<JobClient.Progress> {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private JobClient.Progress last;
  private int drawn;

  public ProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void accept(JobClient.Progress p) {
    if (p.equals(last)) {
      return;
    }
    last = p;
    String line = render(p);
    // A shorter line (a pool no longer waited for) blanks what is left of the longer one.
    out.print("\r" + line + " ".repeat(Math.max(0, drawn - line.length())));
    drawn = line.length();
    out.flush();
  }

  /** Ends the bar's line, if one was drawn. */
  public synchronized void finish() {
    if (last != null) {
      out.println();
    }
  }

  static String render(JobClient.Progress p) {
    int filled = p.total() == 0 ? WIDTH : (int) (WIDTH * p.done() / p.total());
    return "["
        + "#".repeat(filled)
        + " ".repeat(WIDTH - filled)
        + "] "
        + p.done()
        + "/"
        + p.total()
        + " children"
        + p.waitingForPools().entrySet().stream()
            .map(w -> ", " + JobOutput.waitingFor(w.getKey(), w.getValue()))
            .collect(Collectors.joining());
  }
}
