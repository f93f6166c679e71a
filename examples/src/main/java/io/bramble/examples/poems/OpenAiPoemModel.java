package io.bramble.examples.poems;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import java.time.Duration;

/**
 * The poems model backed by any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama,
 * llama.cpp's server, ...), through the official {@code openai-java} client.
 */
public final class OpenAiPoemModel implements PoemModel, AutoCloseable {
  /** The editor answers this (or nothing) when a poem needs no more work. */
  static final String SATISFIED = "LGTM";

  private final OpenAIClient client;
  private final String model;
  private final String baseUrl;

  public OpenAiPoemModel(String baseUrl, String apiKey, String model) {
    this.baseUrl = baseUrl;
    this.model = model;
    this.client =
        OpenAIOkHttpClient.builder()
            .baseUrl(baseUrl)
            .apiKey(apiKey == null || apiKey.isBlank() ? "not-needed" : apiKey)
            .timeout(Duration.ofMinutes(2))
            .maxRetries(2)
            .build();
  }

  public String baseUrl() {
    return baseUrl;
  }

  public String model() {
    return model;
  }

  @Override
  public String write(
      String poemType, String subject, int draftNumber, String previousDraft, String feedback) {
    String user =
        previousDraft.isEmpty()
            ? "Write a " + poemType + " about " + subject + "."
            : "Here is your previous draft of a "
                + poemType
                + " about "
                + subject
                + ":\n\n"
                + previousDraft
                + "\n\nYour editor says:\n"
                + feedback
                + "\n\nWrite an improved draft.";
    return complete(
        "You are a poet. Reply with the poem only, without commentary or a title line.", user);
  }

  @Override
  public String edit(String poemType, String subject, int draftNumber, String draft) {
    String answer =
        complete(
            "You are a demanding poetry editor. Give short, concrete feedback on how to improve the poem "
                + "as a "
                + poemType
                + ". If it needs no more work, reply with exactly "
                + SATISFIED
                + ".",
            "A " + poemType + " about " + subject + ":\n\n" + draft);
    String trimmed = answer.strip();
    return trimmed.isEmpty() || trimmed.equalsIgnoreCase(SATISFIED) ? "" : trimmed;
  }

  /** One chat completion: a system and a user message in, the first choice's text out. */
  public String complete(String system, String user) {
    ChatCompletion completion =
        client
            .chat()
            .completions()
            .create(
                ChatCompletionCreateParams.builder()
                    .model(model)
                    .addSystemMessage(system)
                    .addUserMessage(user)
                    .build());
    if (completion.choices().isEmpty()) {
      throw new IllegalStateException("the model at " + baseUrl + " returned no choices");
    }
    return completion.choices().get(0).message().content().orElse("");
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "OpenAiPoemModel(" + model + " at " + baseUrl + ")";
  }
}
