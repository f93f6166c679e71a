package io.bramble.examples.poems;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.llm.ChatModels;
import io.bramble.llm.OpenAiChatModel;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoemModelsTest {
  @Test
  void withoutABaseUrlTheOfflineModelIsUsed() {
    assertThat(PoemModels.fromEnvironment(Map.of())).isInstanceOf(OfflinePoemModel.class);
    assertThat(PoemModels.fromEnvironment(Map.of(ChatModels.BASE_URL, "  ", ChatModels.MODEL, "m")))
        .isInstanceOf(OfflinePoemModel.class);
  }

  @Test
  void theOfflineModelsPaceIsAMillisecondCount() {
    assertThat(PoemModels.fromEnvironment(Map.of(PoemModels.OFFLINE_PACE_MS, "0")))
        .isInstanceOf(OfflinePoemModel.class);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> PoemModels.fromEnvironment(Map.of(PoemModels.OFFLINE_PACE_MS, "fast")))
        .hasMessageContaining("BRAMBLE_POEMS_OFFLINE_PACE_MS")
        .hasMessageContaining("'fast'");
  }

  @Test
  void theOfflinePaceIsReadFromTheGraphSettingsPropertyToo() {
    // the launcher sets a properties file's poems.offline.pace-ms as this system property
    System.setProperty("poems.offline.pace-ms", "slow");
    try {
      org.assertj.core.api.Assertions.assertThatThrownBy(PoemModels::fromEnvironment)
          .hasMessageContaining("'slow'");
    } finally {
      System.clearProperty("poems.offline.pace-ms");
    }
  }

  @Test
  void aBaseUrlSelectsAChatModelOnThatEndpoint() {
    PoemModel m =
        PoemModels.fromEnvironment(
            Map.of(
                ChatModels.BASE_URL,
                "http://localhost:8080/v1",
                ChatModels.API_KEY,
                "k",
                ChatModels.MODEL,
                "llama3"));
    assertThat(m).isInstanceOf(ChatPoemModel.class);
    try (ChatPoemModel chat = (ChatPoemModel) m) {
      OpenAiChatModel.Config config = ((OpenAiChatModel) chat.chatModel()).config();
      assertThat(config.baseUrl()).isEqualTo("http://localhost:8080/v1");
      assertThat(config.model()).isEqualTo("llama3");
    }
  }
}
