package io.bramble.examples.poems;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class PoemModelsTest {
  @Test
  void withoutABaseUrlTheOfflineModelIsUsed() {
    assertThat(PoemModels.fromEnvironment(Map.of())).isInstanceOf(OfflinePoemModel.class);
    assertThat(PoemModels.fromEnvironment(Map.of(PoemModels.BASE_URL, "  ", PoemModels.MODEL, "m")))
        .isInstanceOf(OfflinePoemModel.class);
  }

  @Test
  void aBaseUrlSelectsTheOpenAiModelWithTheGivenModelName() {
    PoemModel m =
        PoemModels.fromEnvironment(
            Map.of(
                PoemModels.BASE_URL,
                "http://localhost:8080/v1",
                PoemModels.API_KEY,
                "k",
                PoemModels.MODEL,
                "llama3"));
    assertThat(m).isInstanceOf(OpenAiPoemModel.class);
    assertThat(((OpenAiPoemModel) m).baseUrl()).isEqualTo("http://localhost:8080/v1");
    assertThat(((OpenAiPoemModel) m).model()).isEqualTo("llama3");
    ((OpenAiPoemModel) m).close();
  }

  @Test
  void theModelNameDefaultsWhenOnlyTheBaseUrlIsSet() {
    PoemModel m =
        PoemModels.fromEnvironment(Map.of(PoemModels.BASE_URL, "http://localhost:8080/v1"));
    assertThat(((OpenAiPoemModel) m).model()).isEqualTo(PoemModels.DEFAULT_MODEL);
    ((OpenAiPoemModel) m).close();
  }
}
