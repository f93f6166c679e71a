package io.bramble.core.application;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.action.Action;
import io.bramble.core.action.ActionOutcome;
import io.bramble.core.graph.Graph;
import io.bramble.core.state.State;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** A step sees whether its application was cancelled, as its runtime says, while it runs. */
class CancellationTest {
  private static Application app(AtomicBoolean cancelled, Action... actions) {
    return Application.builder()
        .withGraph(Graph.builder().withActions(actions).build())
        .withEntrypoint(actions[0].name())
        .withCancellation(cancelled::get)
        .build();
  }

  @Test
  void aStepUnderWaySeesTheCancelAndMayStopEarly() {
    AtomicBoolean cancelled = new AtomicBoolean();
    Action call =
        Action.builder("call")
            .writes("polls")
            .run(
                (s, in, ctx) -> {
                  long polls = 0;
                  while (!ctx.isCancelled()) {
                    if (++polls == 3) {
                      cancelled.set(true); // the runtime cancels the app meanwhile
                    }
                  }
                  return ActionOutcome.of(Map.of(), s.update("polls", polls));
                });

    State end = app(cancelled, call).step().orElseThrow().state();

    assertThat(end.getLong("polls")).isEqualTo(3L);
  }

  @Test
  void withoutARuntimeThatCancelsNoStepIsCancelled() {
    AtomicBoolean seen = new AtomicBoolean(true);
    Action look =
        Action.builder("look")
            .writes("x")
            .run(
                (s, in, ctx) -> {
                  seen.set(ctx.isCancelled());
                  return ActionOutcome.of(Map.of(), s.update("x", 1L));
                });

    Application.builder()
        .withGraph(Graph.builder().withActions(look).build())
        .withEntrypoint("look")
        .build()
        .step();

    assertThat(seen).isFalse();
  }
}
