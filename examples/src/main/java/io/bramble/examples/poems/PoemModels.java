package io.bramble.examples.poems;

import io.bramble.llm.ChatModels;
import io.bramble.llm.OpenAiChatModel;
import java.time.Duration;
import java.util.Map;

/** Chooses the poems model from environment variables ({@link ChatModels}' variables). */
public final class PoemModels {
  /** The offline model's pause between the pieces of a draft: streams that can be watched. */
  static final Duration OFFLINE_PACE = Duration.ofMillis(15);

  private PoemModels() {}

  /** {@link #fromEnvironment(Map)} on the process environment. */
  public static PoemModel fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * A {@link ChatPoemModel} on the OpenAI-compatible endpoint {@code env} configures ({@value
   * ChatModels#BASE_URL} and the rest); without one, the {@link OfflinePoemModel}, writing at the
   * pace of a small model.
   */
  public static PoemModel fromEnvironment(Map<String, String> env) {
    return ChatModels.configured(env)
        .<PoemModel>map(config -> new ChatPoemModel(new OpenAiChatModel(config)))
        .orElseGet(() -> new OfflinePoemModel().writingAtPace(OFFLINE_PACE));
  }
}
