package io.bramble.examples.poems;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.bramble.llm.OpenAiChatModel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The poems model on the OpenAI-compatible chat model, against a local chat-completions endpoint.
 */
class ChatPoemModelTest {
  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private volatile String reply = "";

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/chat/completions",
        exchange -> {
          String request =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          requests.add(request);
          byte[] body;
          if (request.contains("\"stream\":true")) {
            // the reply as server-sent events, a word at a time
            StringBuilder sse = new StringBuilder();
            for (String piece : reply.split("(?<= )")) {
              sse.append("data: {\"id\":\"c1\",\"object\":\"chat.completion.chunk\",\"created\":0,")
                  .append("\"model\":\"fake\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"")
                  .append(piece)
                  .append("\"},\"finish_reason\":null}]}\n\n");
            }
            sse.append("data: [DONE]\n\n");
            body = sse.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
          } else {
            body =
                ("{\"id\":\"c1\",\"object\":\"chat.completion\",\"created\":0,\"model\":\"fake\",\"choices\":[{\"index\":0,"
                        + "\"message\":{\"role\":\"assistant\",\"content\":\""
                        + reply
                        + "\"},\"finish_reason\":\"stop\"}]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
          }
          exchange.sendResponseHeaders(200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private ChatPoemModel model() {
    return new ChatPoemModel(
        new OpenAiChatModel(
            OpenAiChatModel.Config.of(
                "http://127.0.0.1:" + server.getAddress().getPort() + "/v1", "fake-model")));
  }

  @Test
  void writeSendsTheTypeSubjectAndFeedbackAndReturnsTheReply() {
    reply = "Salt on the wind";
    try (ChatPoemModel m = model()) {
      assertThat(m.write("haiku", "the sea", 2, "old draft", "more salt"))
          .isEqualTo("Salt on the wind");
    }
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0))
        .contains("\"model\":\"fake-model\"")
        .contains("haiku")
        .contains("the sea")
        .contains("old draft")
        .contains("more salt");
  }

  @Test
  void aDraftStreamsTheModelsTokensAsTheyArrive() {
    reply = "Salt on the wind";
    List<String> tokens = new CopyOnWriteArrayList<>();
    try (ChatPoemModel m = model()) {
      assertThat(m.write("haiku", "the sea", 1, "", "", tokens::add)).isEqualTo("Salt on the wind");
    }
    assertThat(tokens).containsExactly("Salt ", "on ", "the ", "wind");
    assertThat(requests.get(0)).contains("\"stream\":true");
  }

  @Test
  void anEditorThatAnswersLgtmGivesEmptyFeedback() {
    reply = "LGTM";
    try (ChatPoemModel m = model()) {
      assertThat(m.edit("haiku", "the sea", 1, "a draft")).isEmpty();
    }
    reply = "Cut the second line.";
    try (ChatPoemModel m = model()) {
      assertThat(m.edit("haiku", "the sea", 1, "a draft")).isEqualTo("Cut the second line.");
    }
  }

  @Test
  void theWholePoemsApplicationRunsAgainstTheEndpoint() {
    reply = "LGTM";
    try (ChatPoemModel m = model()) {
      String results =
          Poems.application(m)
              .run(Poems.inputs(List.of("haiku", "sonnet"), "the sea", 3))
              .state()
              .getString("final_results");
      assertThat(results).isEqualTo("haiku:\nLGTM\n\nsonnet:\nLGTM");
    }
    assertThat(requests).hasSize(4); // per poem: write, then an editor with nothing to add
  }
}
