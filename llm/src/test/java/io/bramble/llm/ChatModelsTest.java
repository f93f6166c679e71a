package io.bramble.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.tracking.ModelCalls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChatModelsTest {
  @Test
  void withoutABaseUrlTheModelIsOffline() {
    assertThat(ChatModels.fromEnvironment(Map.of())).isInstanceOf(OfflineChatModel.class);
    assertThat(ChatModels.configured(Map.of(ChatModels.BASE_URL, " ", ChatModels.MODEL, "m")))
        .isEmpty();
  }

  @Test
  void theVariablesConfigureTheEndpointWithDefaultsForTheRest() {
    assertThat(ChatModels.configured(Map.of(ChatModels.BASE_URL, "http://localhost:8000/v1")))
        .contains(
            new OpenAiChatModel.Config(
                "http://localhost:8000/v1", null, "gpt-4o-mini", Duration.ofSeconds(120), 2));
    assertThat(
            ChatModels.configured(
                Map.of(
                    ChatModels.BASE_URL, "http://h/v1",
                    ChatModels.API_KEY, "k",
                    ChatModels.MODEL, "llama3",
                    ChatModels.TIMEOUT_S, "30",
                    ChatModels.MAX_RETRIES, "5")))
        .contains(
            new OpenAiChatModel.Config("http://h/v1", "k", "llama3", Duration.ofSeconds(30), 5));
  }

  @Test
  void aBadNumberIsNamedWithItsVariable() {
    assertThatThrownBy(
            () ->
                ChatModels.configured(
                    Map.of(ChatModels.BASE_URL, "http://h/v1", ChatModels.TIMEOUT_S, "soon")))
        .hasMessage("BRAMBLE_LLM_TIMEOUT_S must be a whole number, got 'soon'");
    assertThatThrownBy(
            () ->
                ChatModels.configured(
                    Map.of(ChatModels.BASE_URL, "http://h/v1", ChatModels.MAX_RETRIES, "-1")))
        .hasMessage("BRAMBLE_LLM_MAX_RETRIES must be at least 0, got -1");
  }

  @Test
  void theOfflineModelIsDeterministicAndStreamsWhatItReturns() {
    OfflineChatModel m = new OfflineChatModel();
    List<ChatMessage> chat =
        List.of(ChatMessage.system("be brief"), ChatMessage.user("Name the sea"));
    List<String> tokens = new ArrayList<>();
    String reply = m.chat(chat, tokens::add);
    assertThat(reply).isEqualTo(m.chat(chat)).startsWith("(offline)").endsWith("re: name the sea");
    assertThat(String.join("", tokens)).isEqualTo(reply);
    assertThat(m.chat(List.of(ChatMessage.user("something else")))).isNotEqualTo(reply);
  }

  @Test
  void theOfflineModelRecordsItsCallsInTheirStepCountingWords() {
    try (ModelCalls.Recording step = ModelCalls.start()) {
      String reply =
          new OfflineChatModel()
              .chat(List.of(ChatMessage.system("be brief"), ChatMessage.user("Name the sea")));
      assertThat(step.calls())
          .singleElement()
          .satisfies(
              call -> {
                assertThat(call.model()).isEqualTo(OfflineChatModel.MODEL);
                assertThat(call.inputTokens()).isEqualTo(5); // be brief / Name the sea
                assertThat(call.outputTokens()).isEqualTo(reply.split(" ").length);
              });
    }
  }
}
