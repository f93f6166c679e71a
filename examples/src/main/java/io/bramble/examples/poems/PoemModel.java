package io.bramble.examples.poems;

/**
 * The two roles of the poems example: a poet who writes (and rewrites) a draft and an editor who
 * critiques it. Implementations are called from many child applications at once, so they must be
 * thread-safe.
 */
public interface PoemModel {
  /**
   * Writes draft number {@code draftNumber} (1-based) of a {@code poemType} about {@code subject}.
   * {@code previousDraft} and {@code feedback} are empty for the first draft.
   */
  String write(
      String poemType, String subject, int draftNumber, String previousDraft, String feedback);

  /** The editor's feedback on {@code draft}; the empty string when the draft needs no more work. */
  String edit(String poemType, String subject, int draftNumber, String draft);
}
