package io.bramble.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bramble.launcher.Console;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

class BenchLocalCommandTest {
  @Test
  void theLastLineIsOneJsonObjectWithTheMedianAndPerChildTime() throws Exception {
    Console c = new Console();
    assertThat(c.run("bench", "local", "--children", "10", "--warmup", "2", "--runs", "3"))
        .isZero();

    List<String> lines = c.outLines();
    assertThat(lines).anyMatch(l -> l.startsWith("warm-up     2 runs: median"));
    assertThat(lines).anyMatch(l -> l.startsWith("measured    3 runs: median"));
    String last = lines.get(lines.size() - 1);
    assertThat(last)
        .matches(
            "\\{\"bench\":\"local\",\"children\":10,\"median_ms\":[0-9.]+,\"per_child_us\":[0-9.]+}");
    JsonNode json = new ObjectMapper().readTree(last);
    // both are printed with 3 decimals: median_ms's rounding (0.0005 ms) is 0.05 us per child of 10
    assertThat(json.get("per_child_us").asDouble())
        .isCloseTo(json.get("median_ms").asDouble() * 1000 / 10, Offset.offset(0.051));
  }

  @Test
  void badCountsAreUsageErrors() {
    Console c = new Console();
    assertThat(c.run("bench", "local", "--children", "0")).isEqualTo(2);
    assertThat(c.err()).contains("--children >= 1");
  }

  @Test
  void theMedianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
    assertThat(BenchLocalCommand.median(new double[] {1, 2, 4, 10})).isEqualTo(3);
    assertThat(BenchLocalCommand.median(new double[] {1, 2, 4})).isEqualTo(2);
    assertThatThrownBy(() -> BenchLocalCommand.median(new double[0]))
        .isInstanceOf(RuntimeException.class);
  }
}
