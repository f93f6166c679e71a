package io.bramble.core.state;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StateJsonTest {

  @Test
  void everyValueTypeRoundTripsThroughJson() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("null", null);
    values.put("bool", true);
    values.put("long", Long.MAX_VALUE);
    values.put("double", 1.0);
    values.put("nan", Double.NaN);
    values.put("inf", Double.NEGATIVE_INFINITY);
    values.put("text", "héllo \"world\"\n✓");
    values.put("bytes", new byte[] {0, -1, 7});
    values.put("list", List.of(1, List.of("x", Map.of("k", 2.5))));
    values.put("looksLikeBytes", Map.of("$bytes", "AAE="));
    State s = State.of(values);
    assertThat(State.of(StateJson.read(StateJson.write(s.asMap())))).isEqualTo(s);
  }

  @Test
  void integralDoublesStayDoubles() {
    Map<String, Object> back = StateJson.read(StateJson.write(Map.of("d", 2.0, "l", 2L)));
    assertThat(back.get("d")).isInstanceOf(Double.class);
    assertThat(back.get("l")).isInstanceOf(Long.class);
  }
}
