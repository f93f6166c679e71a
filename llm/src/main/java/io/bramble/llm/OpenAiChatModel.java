package io.bramble.llm;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.core.http.StreamResponse;
import com.openai.errors.OpenAIException;
import com.openai.errors.OpenAIServiceException;
import com.openai.models.chat.completions.ChatCompletion;
import com.openai.models.chat.completions.ChatCompletionAssistantMessageParam;
import com.openai.models.chat.completions.ChatCompletionChunk;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import com.openai.models.chat.completions.ChatCompletionStreamOptions;
import com.openai.models.completions.CompletionUsage;
import io.bramble.core.tracking.ModelCall;
import io.bramble.core.tracking.ModelCalls;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * A {@link ChatModel} on any OpenAI-compatible chat-completions endpoint (OpenAI, vLLM, Ollama,
 * llama.cpp's server, …) through the official {@code openai-java} client, which retries rate limits
 * (429), timeouts and server errors (5xx) with exponential back-off, up to {@link
 * Config#maxRetries()} times. With a token callback the reply is streamed.
 */
public final class OpenAiChatModel implements ChatModel, AutoCloseable {
  /** Where the endpoint is and how long to wait for it. */
  public record Config(
      String baseUrl, String apiKey, String model, Duration timeout, int maxRetries) {
    public Config {
      Objects.requireNonNull(baseUrl, "baseUrl");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(timeout, "timeout");
      if (maxRetries < 0) {
        throw new IllegalArgumentException("maxRetries must be 0 or more, got " + maxRetries);
      }
    }

    /** {@code baseUrl} with the defaults: no key, 2 minutes per call, 2 retries. */
    public static Config of(String baseUrl, String model) {
      return new Config(baseUrl, null, model, Duration.ofMinutes(2), 2);
    }
  }

  private final Config config;
  private final OpenAIClient client;

  public OpenAiChatModel(Config config) {
    this.config = config;
    this.client =
        OpenAIOkHttpClient.builder()
            .baseUrl(config.baseUrl())
            .apiKey(
                config.apiKey() == null || config.apiKey().isBlank()
                    ? "not-needed"
                    : config.apiKey())
            .timeout(config.timeout())
            .maxRetries(config.maxRetries())
            .build();
  }

  public Config config() {
    return config;
  }

  @Override
  public String chat(List<ChatMessage> messages, Consumer<String> onToken) {
    ChatCompletionCreateParams params = params(messages, onToken != null);
    long started = System.nanoTime();
    try {
      return onToken == null ? complete(params, started) : stream(params, onToken, started);
    } catch (OpenAIServiceException e) {
      throw new ChatModelException(
          "the model "
              + config.model()
              + " at "
              + config.baseUrl()
              + " answered HTTP "
              + e.statusCode()
              + ": "
              + e.getMessage(),
          e);
    } catch (OpenAIException e) {
      throw new ChatModelException(
          "the model " + config.model() + " at " + config.baseUrl() + " failed: " + e.getMessage(),
          e);
    }
  }

  private String complete(ChatCompletionCreateParams params, long started) {
    ChatCompletion completion = client.chat().completions().create(params);
    record(completion.usage(), started);
    if (completion.choices().isEmpty()) {
      throw new ChatModelException(
          "the model " + config.model() + " at " + config.baseUrl() + " returned no choices", null);
    }
    return completion.choices().get(0).message().content().orElse("");
  }

  private String stream(ChatCompletionCreateParams params, Consumer<String> onToken, long started) {
    StringBuilder reply = new StringBuilder();
    AtomicReference<CompletionUsage> usage = new AtomicReference<>();
    try (StreamResponse<ChatCompletionChunk> chunks =
        client.chat().completions().createStreaming(params)) {
      chunks.stream()
          .peek(chunk -> chunk.usage().ifPresent(usage::set)) // the last chunk's, when asked for
          .flatMap(chunk -> chunk.choices().stream().limit(1))
          .forEach(
              choice ->
                  choice
                      .delta()
                      .content()
                      .filter(piece -> !piece.isEmpty())
                      .ifPresent(
                          piece -> {
                            reply.append(piece);
                            onToken.accept(piece);
                          }));
    }
    record(Optional.ofNullable(usage.get()), started);
    return reply.toString();
  }

  /** Records the call in its step; an endpoint that reports no usage counts zero tokens. */
  private void record(Optional<CompletionUsage> usage, long started) {
    ModelCalls.record(
        new ModelCall(
            config.model(),
            usage.map(CompletionUsage::promptTokens).orElse(0L),
            usage.map(CompletionUsage::completionTokens).orElse(0L),
            (System.nanoTime() - started) / 1_000_000));
  }

  private ChatCompletionCreateParams params(List<ChatMessage> messages, boolean streaming) {
    if (messages.isEmpty()) {
      throw new IllegalArgumentException("a chat needs at least one message");
    }
    ChatCompletionCreateParams.Builder b =
        ChatCompletionCreateParams.builder().model(config.model());
    if (streaming) {
      // a stream reports its token counts only when asked, in a last chunk without choices
      b.streamOptions(ChatCompletionStreamOptions.builder().includeUsage(true).build());
    }
    for (ChatMessage m : messages) {
      switch (m.role()) {
        case SYSTEM -> b.addSystemMessage(m.content());
        case USER -> b.addUserMessage(m.content());
        case ASSISTANT ->
            b.addMessage(
                ChatCompletionAssistantMessageParam.builder().content(m.content()).build());
      }
    }
    return b.build();
  }

  @Override
  public void close() {
    client.close();
  }

  @Override
  public String toString() {
    return "OpenAiChatModel(" + config.model() + " at " + config.baseUrl() + ")";
  }
}
