package io.bramble.examples.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.application.Application;
import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.core.state.State;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class FanOutBenchTest {
  @Test
  void everyChildTicksThreeTimesAndTheReduceCollectsTwiceItsItemInTaskOrder() {
    try (ThreadPoolParallelExecutor ex = new ThreadPoolParallelExecutor(4)) {
      State end =
          Application.builder()
              .withGraph(FanOutBench.graph())
              .withEntrypoint(FanOutBench.ENTRYPOINT)
              .withState(State.of("children", 50L))
              .withParallelExecutor(ex)
              .build()
              .run()
              .state();
      assertThat(end.<Long>getList("outs"))
          .isEqualTo(LongStream.range(0, 50).map(i -> 2 * i).boxed().toList());
    }
  }
}
