package io.bramble.examples.poems;

import io.bramble.core.registry.GraphSetting;
import io.bramble.llm.ChatModels;
import io.bramble.llm.OpenAiChatModel;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/** Chooses the poems model from environment variables ({@link ChatModels}' variables). */
public final class PoemModels {
  /** The offline model's pause between the pieces of a draft: streams that can be watched. */
  static final Duration OFFLINE_PACE = Duration.ofMillis(15);

  /** Milliseconds the offline model pauses between the pieces of a draft (default 15). */
  public static final GraphSetting OFFLINE_PACE_SETTING =
      new GraphSetting(
          "poems.offline.pace-ms",
          "Milliseconds the offline poems model pauses between the streamed pieces of a draft"
              + " (default 15)");

  /** {@link #OFFLINE_PACE_SETTING}'s environment variable. */
  public static final String OFFLINE_PACE_MS = OFFLINE_PACE_SETTING.environmentVariable();

  private PoemModels() {}

  /**
   * {@link #fromEnvironment(Map)} on the process environment; the offline pace from its setting
   * (environment variable, else the properties file's {@code poems.offline.pace-ms}).
   */
  public static PoemModel fromEnvironment() {
    return of(System.getenv(), OFFLINE_PACE_SETTING.value());
  }

  /**
   * A {@link ChatPoemModel} on the OpenAI-compatible endpoint {@code env} configures ({@value
   * ChatModels#BASE_URL} and the rest); without one, the {@link OfflinePoemModel}, writing at the
   * pace of a small model.
   */
  public static PoemModel fromEnvironment(Map<String, String> env) {
    return of(env, Optional.ofNullable(env.get(OFFLINE_PACE_MS)));
  }

  private static PoemModel of(Map<String, String> env, Optional<String> paceMs) {
    return ChatModels.configured(env)
        .<PoemModel>map(config -> new ChatPoemModel(new OpenAiChatModel(config)))
        .orElseGet(() -> new OfflinePoemModel().writingAtPace(offlinePace(paceMs)));
  }

  private static Duration offlinePace(Optional<String> paceMs) {
    String ms = paceMs.orElse(null);
    if (ms == null || ms.isBlank()) {
      return OFFLINE_PACE;
    }
    try {
      long pause = Long.parseLong(ms.strip());
      if (pause >= 0) {
        return Duration.ofMillis(pause);
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new IllegalArgumentException(
        OFFLINE_PACE_MS + " must be a number of milliseconds, 0 or more; got '" + ms + "'");
  }
}
