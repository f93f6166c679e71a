package io.bramble.examples.collatz;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.application.RunResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CollatzTest {
  /** The number of values in n's sequence, n and the final 1 included, by a plain loop. */
  private static long sequenceLength(long n) {
    long values = 1;
    while (n != 1) {
      n = n % 2 == 0 ? n / 2 : 3 * n + 1;
      values++;
    }
    return values;
  }

  @Test
  void lengthsEqualThoseOfAPlainLoopInTaskOrder() {
    RunResult r = Collatz.application(80, 99).run();

    Map<String, Object> expected = new LinkedHashMap<>();
    for (long n = 80; n <= 99; n++) {
      expected.put(Long.toString(n), sequenceLength(n));
    }
    Map<String, Object> lengths = r.state().getMap("lengths");
    assertThat(lengths).isEqualTo(expected);
    assertThat(List.copyOf(lengths.keySet())).isEqualTo(List.copyOf(expected.keySet()));
  }

  @Test
  void ninetySevenTakes118StepsSoItsSequenceHas119Values() {
    RunResult r = Collatz.application(80, 99).run();

    assertThat(sequenceLength(97)).isEqualTo(119);
    assertThat(r.state().getMap("lengths")).containsEntry("97", 119L).containsEntry("80", 10L);
    assertThat(r.state().getMap("longest")).isEqualTo(Map.of("n", 97L, "length", 119L));
  }

  @Test
  void oneIsAlreadyDoneAfterItsInitialStep() {
    RunResult r = Collatz.application(1, 2).run();
    assertThat(r.state().getMap("lengths")).isEqualTo(Map.of("1", 1L, "2", 2L));
  }
}
