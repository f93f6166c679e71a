package io.bramble.examples.poems;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A deterministic stand-in for a language model: no network, instant, and the same text for the
 * same (type, subject, draft). The editor asks for changes until a draft is good enough (by default
 * a haiku after its first draft, a limerick after its second, anything else after its third), then
 * answers with empty feedback, so runs exercise both ways out of the write/edit loop.
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

  private final Integer draftsUntilSatisfied;

  /** The editor is satisfied after a number of drafts that depends on the poem type. */
  public OfflinePoemModel() {
    this.draftsUntilSatisfied = null;
  }

  /** The editor is satisfied after {@code draftsUntilSatisfied} drafts of any type. */
  public OfflinePoemModel(int draftsUntilSatisfied) {
    if (draftsUntilSatisfied < 1) {
      throw new IllegalArgumentException(
          "draftsUntilSatisfied must be at least 1, got " + draftsUntilSatisfied);
    }
    this.draftsUntilSatisfied = draftsUntilSatisfied;
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
      String poemType, String subject, int draftNumber, String previousDraft, String feedback) {
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
    return title + "\n" + body;
  }

  @Override
  public String edit(String poemType, String subject, int draftNumber, String draft) {
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
