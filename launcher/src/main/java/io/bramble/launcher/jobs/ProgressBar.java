package io.bramble.launcher.jobs;

import io.bramble.client.JobClient;
import java.io.PrintStream;
import java.util.function.Consumer;

/** A one-line progress bar of children done out of children launched, redrawn in place. */
public final class ProgressBar implements Consumer<JobClient.Progress> {
  private static final int WIDTH = 30;
  private final PrintStream out;
  private JobClient.Progress last;

  public ProgressBar(PrintStream out) {
    this.out = out;
  }

  @Override
  public synchronized void accept(JobClient.Progress p) {
    if (p.equals(last)) {
      return;
    }
    last = p;
    out.print("\r" + render(p));
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
        + " children";
  }
}
