package io.bramble.examples.poems;

import io.bramble.llm.ChatModels;
import io.bramble.llm.OpenAiChatModel;
import java.util.Map;

/** Chooses the poems model from environment variables ({@link ChatModels}' variables). */
public final class PoemModels {
  private PoemModels() {}

  /** {@link #fromEnvironment(Map)} on the process environment. */
  public static PoemModel fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * A {@link ChatPoemModel} on the OpenAI-compatible endpoint {@code env} configures ({@value
   * ChatModels#BASE_URL} and the rest); without one, the {@link OfflinePoemModel}.
   */
  public static PoemModel fromEnvironment(Map<String, String> env) {
    return ChatModels.configured(env)
        .<PoemModel>map(config -> new ChatPoemModel(new OpenAiChatModel(config)))
        .orElseGet(OfflinePoemModel::new);
  }
}
