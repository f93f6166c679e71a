package io.bramble.examples.poems;

import java.util.function.Consumer;

/**
 * The two roles of the poems example: a poet who writes (and rewrites) a draft and an editor who
 * critiques it. Implementations are called from many child applications at once, so they must be
 * thread-safe.
 */
public interface PoemModel {
  /**
   * Writes draft number {@code draftNumber} (1-based) of a {@code poemType} about {@code subject}.
   * {@code previousDraft} and {@code feedback} are empty for the first draft. The draft's text goes
   * to {@code tokens} as it is written, piece by piece; the pieces joined are the draft.
   */
  String write(
      String poemType,
      String subject,
      int draftNumber,
      String previousDraft,
      String feedback,
      Consumer<String> tokens);

  /** As above, with nobody listening to the draft as it is written. */
  default String write(
      String poemType, String subject, int draftNumber, String previousDraft, String feedback) {
    return write(poemType, subject, draftNumber, previousDraft, feedback, piece -> {});
  }

  /** The editor's feedback on {@code draft}; the empty string when the draft needs no more work. */
  String edit(String poemType, String subject, int draftNumber, String draft);
}
