package io.bramble.core.stream;

/**
 * A partial result an action emitted while it ran (an LLM's tokens, a line of progress), before its
 * step's result: app {@code appId} (a child of {@code parentAppId}, null for the app the listener
 * was given to), step {@code sequenceId} of {@code action}, in the step's try {@code attempt} (1
 * for the first; a try of the retry policy, or a re-run after a crash, streams again under a new
 * one). {@code label} names the app within the tree of the application the listener belongs to:
 * empty for that application itself, {@code generate_all_poems[1]} for its second child of that
 * parallel action, {@code outer[0]/inner[2]} below (see {@link #under}).
 */
public record Chunk(
    String appId,
    String parentAppId,
    String label,
    String action,
    long sequenceId,
    int attempt,
    String text) {

  public Chunk {
    label = label == null ? "" : label;
  }

  /** This chunk as seen one level up: its label under {@code childLabel}. */
  public Chunk under(String childLabel) {
    return new Chunk(
        appId, parentAppId, path(childLabel, label), action, sequenceId, attempt, text);
  }

  /** The label of an app labelled {@code label} within an app labelled {@code parentLabel}. */
  public static String path(String parentLabel, String label) {
    return parentLabel.isEmpty()
        ? label
        : label.isEmpty() ? parentLabel : parentLabel + "/" + label;
  }

  /** The label of child {@code index} (in task order) of parallel action {@code parallelAction}. */
  public static String childLabel(String parallelAction, int index) {
    return parallelAction + "[" + index + "]";
  }
}
