package io.bramble.llm;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Chooses a chat model from environment variables: an {@link OpenAiChatModel} when {@value
 * #BASE_URL} is set, else the {@link OfflineChatModel}, so examples and tests stay off the network
 * unless told otherwise.
 */
public final class ChatModels {
  /** An OpenAI-compatible endpoint, e.g. {@code https://api.openai.com/v1}; unset: offline. */
  public static final String BASE_URL = "BRAMBLE_LLM_BASE_URL";

  public static final String API_KEY = "BRAMBLE_LLM_API_KEY";
  public static final String MODEL = "BRAMBLE_LLM_MODEL";

  /** Seconds one call (each attempt) may take. */
  public static final String TIMEOUT_S = "BRAMBLE_LLM_TIMEOUT_S";

  /** Retries of a call that hit a rate limit, a timeout or a server error. */
  public static final String MAX_RETRIES = "BRAMBLE_LLM_MAX_RETRIES";

  public static final String DEFAULT_MODEL = "gpt-4o-mini";
  public static final int DEFAULT_TIMEOUT_S = 120;
  public static final int DEFAULT_MAX_RETRIES = 2;

  private ChatModels() {}

  /** {@link #fromEnvironment(Map)} on the process environment. */
  public static ChatModel fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /** The endpoint {@code env} configures, else the offline model. */
  public static ChatModel fromEnvironment(Map<String, String> env) {
    return configured(env).<ChatModel>map(OpenAiChatModel::new).orElseGet(OfflineChatModel::new);
  }

  /**
   * The endpoint {@code env} configures, if {@value #BASE_URL} is set; a value of the wrong kind is
   * an {@link IllegalArgumentException} naming its variable.
   */
  public static Optional<OpenAiChatModel.Config> configured(Map<String, String> env) {
    String baseUrl = text(env, BASE_URL);
    if (baseUrl == null) {
      return Optional.empty();
    }
    String model = text(env, MODEL);
    return Optional.of(
        new OpenAiChatModel.Config(
            baseUrl,
            text(env, API_KEY),
            model == null ? DEFAULT_MODEL : model,
            Duration.ofSeconds(number(env, TIMEOUT_S, DEFAULT_TIMEOUT_S, 1)),
            number(env, MAX_RETRIES, DEFAULT_MAX_RETRIES, 0)));
  }

  private static String text(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isBlank() ? null : v.strip();
  }

  private static int number(Map<String, String> env, String name, int fallback, int min) {
    String v = text(env, name);
    if (v == null) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v);
      if (n < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", got " + n);
      }
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number, got '" + v + "'");
    }
  }
}
