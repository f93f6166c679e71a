package io.bramble.llm;

import io.bramble.core.tracking.ModelCall;
import io.bramble.core.tracking.ModelCalls;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * A deterministic stand-in for a language model, for tests and the default examples: no network,
 * instant, and the same reply for the same messages. The reply names the last user message and a
 * few words chosen from a hash of the whole conversation; {@code onToken} gets it word by word. Its
 * calls are recorded in their step as model {@value #MODEL}, words counted as tokens.
 */
public final class OfflineChatModel implements ChatModel {
  /** The model its calls are recorded as; it counts words where a model counts tokens. */
  public static final String MODEL = "offline";

  private static final List<String> WORDS =
      List.of(
          "lantern", "tide", "harbour", "letter", "evening", "shells", "wind", "gulls", "salt",
          "path", "light", "stone");

  @Override
  public String chat(List<ChatMessage> messages, Consumer<String> onToken) {
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a chat needs at least one message");
    }
    long started = System.nanoTime();
    String lastUser =
        messages.stream()
            .filter(m -> m.role() == ChatMessage.Role.USER)
            .reduce((a, b) -> b)
            .map(ChatMessage::content)
            .orElse("");
    int seed = Math.floorMod(messages.hashCode(), 1 << 20);
    List<String> pieces = new ArrayList<>();
    pieces.add("(offline)");
    for (int i = 0; i < 4; i++) {
      pieces.add(WORDS.get(Math.floorMod(seed + i * 7, WORDS.size())));
    }
    pieces.add("—");
    pieces.add("re: " + firstWords(lastUser, 8));
    StringBuilder reply = new StringBuilder();
    for (int i = 0; i < pieces.size(); i++) {
      String piece = (i == 0 ? "" : " ") + pieces.get(i);
      reply.append(piece);
      if (onToken != null) {
        onToken.accept(piece);
      }
    }
    String prompt = String.join(" ", messages.stream().map(ChatMessage::content).toList());
    recordCall(prompt, reply.toString(), started);
    return reply.toString();
  }

  /**
   * Records a call of an offline stand-in model (this one, or an example's) in its step, as model
   * {@value #MODEL}, the words of {@code prompt} and {@code reply} counted as tokens.
   */
  public static void recordCall(String prompt, String reply, long startedNanos) {
    ModelCalls.record(
        new ModelCall(
            MODEL, words(prompt), words(reply), (System.nanoTime() - startedNanos) / 1_000_000));
  }

  /** Its stand-in for a tokenizer. */
  private static long words(String text) {
    String stripped = text.strip();
    return stripped.isEmpty() ? 0 : stripped.split("\\s+").length;
  }

  private static String firstWords(String text, int n) {
    String[] words = text.strip().split("\\s+");
    return String.join(" ", java.util.Arrays.copyOf(words, Math.min(n, words.length)))
        .toLowerCase(Locale.ROOT);
  }

  @Override
  public String toString() {
    return "OfflineChatModel";
  }
}
