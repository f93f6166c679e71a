package io.bramble.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.bramble.core.tracking.ModelCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The OpenAI-compatible client against a local HTTP server speaking the chat-completions API. */
class OpenAiChatModelTest {
  /** What the fake endpoint does with the n-th request (0-based). */
  interface Behaviour {
    void answer(int n, HttpExchange exchange) throws IOException;
  }

  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger count = new AtomicInteger();
  private volatile Behaviour behaviour;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/chat/completions",
        exchange -> {
          requests.add(
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          authorizations.add(
              String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
          try {
            behaviour.answer(count.getAndIncrement(), exchange);
          } finally {
            exchange.close();
          }
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private OpenAiChatModel model(Duration timeout, int retries) {
    return new OpenAiChatModel(
        new OpenAiChatModel.Config(
            "http://127.0.0.1:" + server.getAddress().getPort() + "/v1",
            "secret-key",
            "fake-model",
            timeout,
            retries));
  }

  private static void send(HttpExchange exchange, int status, String contentType, String body)
      throws IOException {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", contentType);
    exchange.getResponseHeaders().add("retry-after-ms", "10"); // keep the client's back-off short
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  private static String completion(String content) {
    return "{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"fake-model\","
        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\""
        + content
        + "\"},\"finish_reason\":\"stop\"}],"
        + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"total_tokens\":15}}";
  }

  private static String error(String message) {
    return "{\"error\":{\"message\":\"" + message + "\",\"type\":\"server_error\"}}";
  }

  @Test
  void aChatSendsEveryMessageWithItsRoleAndTheKeyAndReturnsTheReply() {
    behaviour = (n, x) -> send(x, 200, "application/json", completion("a calm sea"));
    try (OpenAiChatModel m = model(Duration.ofSeconds(10), 0);
        ModelCalls.Recording step = ModelCalls.start()) {
      String reply =
          m.chat(
              List.of(
                  ChatMessage.system("You are a poet."),
                  ChatMessage.user("Write about the sea."),
                  ChatMessage.assistant("Waves."),
                  ChatMessage.user("Longer.")));
      assertThat(reply).isEqualTo("a calm sea");
      assertThat(step.calls())
          .as("the call is recorded in its step with the endpoint's token counts")
          .singleElement()
          .satisfies(
              call -> {
                assertThat(call.model()).isEqualTo("fake-model");
                assertThat(call.inputTokens()).isEqualTo(12);
                assertThat(call.outputTokens()).isEqualTo(3);
                assertThat(call.durationMs()).isNotNegative();
              });
    }
    assertThat(requests)
        .singleElement()
        .asString()
        .contains("\"model\":\"fake-model\"")
        .contains("\"role\":\"system\"", "You are a poet.")
        .contains("\"role\":\"assistant\"", "Waves.")
        .contains("Longer.");
    assertThat(authorizations).containsExactly("Bearer secret-key");
  }

  @Test
  void rateLimitsAndServerErrorsAreRetried() {
    behaviour =
        (n, x) -> {
          if (n == 0) {
            send(x, 429, "application/json", error("slow down"));
          } else if (n == 1) {
            send(x, 503, "application/json", error("overloaded"));
          } else {
            send(x, 200, "application/json", completion("third time"));
          }
        };
    try (OpenAiChatModel m = model(Duration.ofSeconds(10), 2)) {
      assertThat(m.chat("s", "u")).isEqualTo("third time");
    }
    assertThat(count).hasValue(3);
  }

  @Test
  void aServerErrorAfterTheLastRetryNamesTheEndpointAndTheStatus() {
    behaviour = (n, x) -> send(x, 500, "application/json", error("boom"));
    try (OpenAiChatModel m = model(Duration.ofSeconds(10), 1)) {
      assertThatThrownBy(() -> m.chat("s", "u"))
          .isInstanceOf(ChatModelException.class)
          .hasMessageContaining("fake-model at http://127.0.0.1:")
          .hasMessageContaining("HTTP 500");
    }
    assertThat(count).as("one try and one retry").hasValue(2);
  }

  @Test
  void aBadRequestIsNotRetried() {
    behaviour = (n, x) -> send(x, 400, "application/json", error("no such model"));
    try (OpenAiChatModel m = model(Duration.ofSeconds(10), 3)) {
      assertThatThrownBy(() -> m.chat("s", "u")).hasMessageContaining("HTTP 400");
    }
    assertThat(count).hasValue(1);
  }

  @Test
  void aTokenCallbackStreamsTheReplyPieceByPiece() {
    behaviour =
        (n, x) -> {
          StringBuilder sse = new StringBuilder();
          for (String piece : List.of("Salt ", "on the ", "wind")) {
            sse.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":0,")
                .append(
                    "\"model\":\"fake-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
                .append(piece)
                .append("\"},\"finish_reason\":null}]}\n\n");
          }
          sse.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":0,")
              .append("\"model\":\"fake-model\",\"choices\":[],")
              .append(
                  "\"usage\":{\"prompt_tokens\":4,\"completion_tokens\":5,\"total_tokens\":9}}\n\n");
          sse.append("data: [DONE]\n\n");
          send(x, 200, "text/event-stream", sse.toString());
        };
    List<String> tokens = new ArrayList<>();
    try (OpenAiChatModel m = model(Duration.ofSeconds(10), 0);
        ModelCalls.Recording step = ModelCalls.start()) {
      String reply = m.chat(List.of(ChatMessage.user("a haiku")), tokens::add);
      assertThat(reply).isEqualTo("Salt on the wind");
      assertThat(step.calls())
          .as("a stream's counts come in its last chunk")
          .singleElement()
          .satisfies(
              call -> {
                assertThat(call.inputTokens()).isEqualTo(4);
                assertThat(call.outputTokens()).isEqualTo(5);
              });
    }
    assertThat(tokens).containsExactly("Salt ", "on the ", "wind");
    assertThat(requests.get(0)).contains("\"stream\":true").contains("\"include_usage\":true");
  }

  @Test
  void aCallThatTakesLongerThanTheTimeoutFails() {
    behaviour =
        (n, x) -> {
          try {
            Thread.sleep(1500);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          send(x, 200, "application/json", completion("too late"));
        };
    try (OpenAiChatModel m = model(Duration.ofMillis(300), 0)) {
      assertThatThrownBy(() -> m.chat("s", "u"))
          .isInstanceOf(ChatModelException.class)
          .hasMessageContaining("fake-model at http://127.0.0.1:");
    }
  }
}
