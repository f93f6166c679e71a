package io.bramble.core.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class GraphSettingTest {
  @Test
  void itsVariableIsBramblesPrefixAndTheKeyInUpperCase() {
    assertThat(new GraphSetting("myflow.delay-ms", "d").environmentVariable())
        .isEqualTo("BRAMBLE_MYFLOW_DELAY_MS");
  }

  @Test
  void aSystemPropertyIsReadWhenTheVariableIsNotSet() {
    GraphSetting s = new GraphSetting("graphsettingtest.unset.anywhere", "d");
    assertThat(s.value()).isEmpty();
    assertThat(s.value("fallback")).isEqualTo("fallback");
    System.setProperty(s.key(), " 42 ");
    try {
      assertThat(s.value()).contains("42");
    } finally {
      System.clearProperty(s.key());
    }
  }

  @Test
  void aKeyMustBeLowerCaseWords() {
    assertThatThrownBy(() -> new GraphSetting("MyFlow_Delay", "d"))
        .hasMessageContaining("graph setting key 'MyFlow_Delay' must be lower-case words");
  }
}
