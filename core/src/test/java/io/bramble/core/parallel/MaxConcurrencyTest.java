package io.bramble.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.action.Action;
import io.bramble.core.action.ActionException;
import io.bramble.core.application.Application;
import io.bramble.core.graph.Graph;
import io.bramble.core.state.State;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** A parallel action's {@code maxConcurrency} on the local executor. */
class MaxConcurrencyTest {
  private final AtomicInteger running = new AtomicInteger();
  private final AtomicInteger most = new AtomicInteger();

  private Graph fanOut(int budget) {
    Action work =
        Action.builder("work")
            .reads("n")
            .writes("square")
            .update(
                (s, in) -> {
                  most.accumulateAndGet(running.incrementAndGet(), Math::max);
                  try {
                    Thread.sleep(20);
                  } finally {
                    running.decrementAndGet();
                  }
                  return s.update("square", s.getLong("n") * s.getLong("n"));
                });
    return Graph.builder()
        .withActions(
            MapStates.builder("all")
                .reads("ns")
                .writes("sum")
                .action(work)
                .maxConcurrency(budget)
                .states(
                    (s, in) -> s.<Long>getList("ns").stream().map(n -> State.of("n", n)).toList())
                .reduce(
                    (s, children) ->
                        s.update(
                            "sum", children.stream().mapToLong(c -> c.getLong("square")).sum()))
                .build())
        .build();
  }

  @Test
  void noMoreChildrenRunAtOnceThanTheBudgetHoweverManyThreadsThereAre() {
    List<Long> ns = LongStream.rangeClosed(1, 20).boxed().toList();
    try (ThreadPoolParallelExecutor threads = new ThreadPoolParallelExecutor(8)) {
      State end =
          Application.builder()
              .withGraph(fanOut(2))
              .withEntrypoint("all")
              .withState(State.of("ns", ns))
              .withParallelExecutor(threads)
              .build()
              .run()
              .state();

      assertThat(end.getLong("sum")).isEqualTo(2870);
      assertThat(most.get()).as("children running at once, counted").isBetween(1, 2);
    }
  }

  @Test
  void aBudgetBelowOneIsRefusedNamingTheAction() {
    assertThatThrownBy(() -> MapStates.builder("all").maxConcurrency(0))
        .isInstanceOf(ActionException.class)
        .hasMessageContaining("parallel action 'all'")
        .hasMessageContaining("at least 1, got 0");
  }
}
