package io.bramble.launcher.run;

import io.bramble.core.state.State;
import io.bramble.core.tracking.ApplicationInfo;
import io.bramble.core.tracking.SpawnLink;
import io.bramble.core.tracking.StepEnd;
import io.bramble.core.tracking.Tracker;
import java.io.PrintStream;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Prints a line per step as it ends, children included (it cascades to them as their tracker):
 *
 * <pre>
 * 5d1c2a9e #0 user_input                   0 ms
 * 5d1c2a9e #1 generate_all_poems → child 0 (8c9f03b1)
 *   sonnet    8c9f03b1 #0 write               1 ms
 * </pre>
 *
 * A child line is indented by its depth and labelled from its state (e.g. its poem type).
 */
final class ProgressPrinter implements Tracker {
  private final PrintStream out;
  private final Function<State, String> childLabel;
  private final Map<String, Integer> depth = new ConcurrentHashMap<>();

  ProgressPrinter(PrintStream out, Function<State, String> childLabel) {
    this.out = out;
    this.childLabel = childLabel;
  }

  static String shortId(String appId) {
    return appId.length() <= 8 ? appId : appId.substring(0, 8);
  }

  @Override
  public void onApplicationCreated(ApplicationInfo app) {
    int d = app.parent() == null ? 0 : depth.getOrDefault(app.parent().appId(), 0) + 1;
    depth.put(app.appId(), d);
  }

  @Override
  public void onSpawn(SpawnLink link) {
    print(
        depth.getOrDefault(link.parentAppId(), 0),
        null,
        link.parentAppId(),
        "#"
            + link.parentSequenceId()
            + " "
            + link.parentAction()
            + " → child "
            + link.childIndex()
            + " ("
            + shortId(link.childAppId())
            + ")");
  }

  @Override
  public void afterStep(StepEnd s) {
    int d = depth.getOrDefault(s.appId(), 0);
    String label = d > 0 && s.state() != null ? childLabel.apply(s.state()) : null;
    String text =
        String.format(
            "#%d %-20s %4d ms", s.sequenceId(), s.action(), s.endedAtMs() - s.startedAtMs());
    if (s.error() != null) {
      text += "  FAILED: " + s.error().getClass().getSimpleName() + ": " + s.error().getMessage();
    }
    print(d, label, s.appId(), text);
  }

  private void print(int d, String label, String appId, String text) {
    StringBuilder sb = new StringBuilder();
    sb.append("  ".repeat(d));
    if (d > 0) {
      sb.append(String.format("%-10s ", label == null ? "" : label));
    }
    sb.append(shortId(appId)).append(' ').append(text);
    synchronized (out) {
      out.println(sb);
    }
  }
}
