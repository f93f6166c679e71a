package io.bramble.examples.poems;

import io.bramble.llm.OfflineChatModel;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A deterministic stand-in for a language model: no network, instant, and the same text for the
 * same (type, subject, draft). The editor asks for changes until a draft is good enough (by default
 * a haiku after its first draft, a limerick after its second, anything else after its third), then
 * answers with empty feedback, so runs exercise both ways out of the write/edit loop. A draft
 * streams a few words at a time, with a pause between pieces when made {@link #writingAtPace}, as a
 * model's tokens would come. Each call is recorded in its step as the offline chat model's are
 * (words counted as tokens), so the UI shows what a real model's calls would cost.
 */
public final class OfflinePoemModel implements PoemModel {
  private static final Map<String, Integer> DRAFTS_UNTIL_SATISFIED =
      Map.of("haiku", 1, "limerick", 2);
  private static final int DEFAULT_DRAFTS_UNTIL_SATISFIED = 3;

  private static final List<String> IMAGES =
      List.of(
          "a lantern swaying",
          "salt on the wind",
          "a slow grey tide",
          "the gulls at dawn",
          "a harbour light",
          "a letter never sent",
          "the hush of evening",
          "a path of broken shells");
  private static final List<String> VERBS =
      List.of(
          "remembers",
          "returns",
          "unfolds",
          "keeps faith",
          "dissolves",
          "waits",
          "sings",
          "forgets");
  private static final List<String> FEEDBACK =
      List.of(
          "the opening line leans on abstraction; show one concrete image of %s",
          "tighten the meter in the middle lines and cut the filler words",
          "the ending arrives too quickly; let the last line turn the poem",
          "too many adjectives; trust the nouns to carry %s");

  /** How many words a streamed piece of a draft holds. */
  private static final int WORDS_PER_PIECE = 3;

  private final Integer draftsUntilSatisfied;
  private final Duration pause;

  /** The editor is satisfied after a number of drafts that depends on the poem type. */
  public OfflinePoemModel() {
    this(null, Duration.ZERO);
  }

  private OfflinePoemModel(Integer draftsUntilSatisfied, Duration pause) {
    this.draftsUntilSatisfied = draftsUntilSatisfied;
    this.pause = pause;
  }

  /** This model, pausing {@code pause} between the streamed pieces of a draft. */
  public OfflinePoemModel writingAtPace(Duration pause) {
    return new OfflinePoemModel(draftsUntilSatisfied, pause);
  }

  /** The editor is satisfied after {@code draftsUntilSatisfied} drafts of any type. */
  public OfflinePoemModel(int draftsUntilSatisfied) {
    this(atLeastOne(draftsUntilSatisfied), Duration.ZERO);
  }

  private static int atLeastOne(int draftsUntilSatisfied) {
    if (draftsUntilSatisfied < 1) {
      throw new IllegalArgumentException(
          "draftsUntilSatisfied must be at least 1, got " + draftsUntilSatisfied);
    }
    return draftsUntilSatisfied;
  }

  /** After how many drafts of {@code poemType} the editor stops giving feedback. */
  public int draftsUntilSatisfied(String poemType) {
    if (draftsUntilSatisfied != null) {
      return draftsUntilSatisfied;
    }
    return DRAFTS_UNTIL_SATISFIED.getOrDefault(
        poemType.toLowerCase(Locale.ROOT), DEFAULT_DRAFTS_UNTIL_SATISFIED);
  }

  @Override
  public String write(
      String poemType,
      String subject,
      int draftNumber,
      String previousDraft,
      String feedback,
      Consumer<String> tokens) {
    long started = System.nanoTime();
    int seed = Math.floorMod((poemType + "|" + subject).hashCode(), 1 << 16) + draftNumber * 7;
    String a = pick(IMAGES, seed);
    String b = pick(IMAGES, seed + 3);
    String v = pick(VERBS, seed);
    String w = pick(VERBS, seed + 5);
    String s = subject;
    String title =
        capitalize(poemType) + " on " + s + (draftNumber > 1 ? " (draft " + draftNumber + ")" : "");
    String body =
        switch (poemType.toLowerCase(Locale.ROOT)) {
          case "haiku" ->
              String.join(
                  "\n", capitalize(s) + " at first light,", a + " " + v + " —", "then " + b + ".");
          case "limerick" ->
              String.join(
                  "\n",
                  "There once was a poet by " + s + ",",
                  "who followed " + a + " with glee;",
                  "it " + v + " all night,",
                  "then " + w + " in the light,",
                  "and left only " + b + " for me.");
          case "sonnet" ->
              String.join(
                  "\n",
                  "When I consider " + s + " and its ways,",
                  "how " + a + " " + v + " through the years,",
                  "I find in " + b + " my borrowed days,",
                  "and every winter " + w + " like tears.",
                  "Yet " + s + " " + v + " where nothing stays;",
                  "so long lives this, and this gives life to thee.");
          default ->
              String.join(
                  "\n",
                  capitalize(s) + ":",
                  a + ",",
                  "which " + v + ",",
                  "and " + b + ", which " + w + ".");
        };
    String draft = title + "\n" + body;
    stream(draft, tokens);
    OfflineChatModel.recordCall(
        String.join(
            " ",
            poemType,
            subject,
            Objects.toString(previousDraft, ""),
            Objects.toString(feedback, "")),
        draft,
        started);
    return draft;
  }

  /** Hands {@code text} to {@code tokens} a few words at a time, pausing between pieces. */
  private void stream(String text, Consumer<String> tokens) {
    // Split after each space or line break, keeping them, so the pieces join back to the text.
    String[] words = text.split("(?<=[ \n])");
    for (int i = 0; i < words.length; i += WORDS_PER_PIECE) {
      if (i > 0 && !pause.isZero()) {
        try {
          Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted while writing a draft", e);
        }
      }
      tokens.accept(
          String.join(
              "", Arrays.copyOfRange(words, i, Math.min(words.length, i + WORDS_PER_PIECE))));
    }
  }

  @Override
  public String edit(String poemType, String subject, int draftNumber, String draft) {
    long started = System.nanoTime();
    String feedback = feedback(poemType, subject, draftNumber);
    OfflineChatModel.recordCall(String.join(" ", poemType, subject, draft), feedback, started);
    return feedback;
  }

  private String feedback(String poemType, String subject, int draftNumber) {
    if (draftNumber >= draftsUntilSatisfied(poemType)) {
      return "";
    }
    int seed = Math.floorMod((poemType + "|" + subject).hashCode(), 1 << 16) + draftNumber;
    return "Draft "
        + draftNumber
        + " of the "
        + poemType
        + ": "
        + String.format(Locale.ROOT, pick(FEEDBACK, seed), subject)
        + ".";
  }

  private static String pick(List<String> words, int seed) {
    return words.get(Math.floorMod(seed, words.size()));
  }

  private static String capitalize(String s) {
    return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
  }
}
