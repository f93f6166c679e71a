package io.bramble.examples.poems;

import java.util.Map;

/** Chooses the poems model from environment variables. */
public final class PoemModels {
  /** Set to use an OpenAI-compatible endpoint, e.g. {@code https://api.openai.com/v1}. */
  public static final String BASE_URL = "BRAMBLE_LLM_BASE_URL";

  public static final String API_KEY = "BRAMBLE_LLM_API_KEY";
  public static final String MODEL = "BRAMBLE_LLM_MODEL";
  public static final String DEFAULT_MODEL = "gpt-4o-mini";

  private PoemModels() {}

  /** {@link #fromEnvironment(Map)} on the process environment. */
  public static PoemModel fromEnvironment() {
    return fromEnvironment(System.getenv());
  }

  /**
   * An {@link OpenAiPoemModel} when {@value #BASE_URL} is set (with {@value #API_KEY} and {@value
   * #MODEL}, default {@value #DEFAULT_MODEL}); otherwise the {@link OfflinePoemModel}.
   */
  public static PoemModel fromEnvironment(Map<String, String> env) {
    String baseUrl = env.get(BASE_URL);
    if (baseUrl == null || baseUrl.isBlank()) {
      return new OfflinePoemModel();
    }
    String model = env.get(MODEL);
    return new OpenAiPoemModel(
        baseUrl.strip(),
        env.get(API_KEY),
        model == null || model.isBlank() ? DEFAULT_MODEL : model.strip());
  }
}
