package io.bramble.core.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.application.Application;
import io.bramble.core.graph.Graph;
import io.bramble.core.persistence.InMemoryPersister;
import io.bramble.core.state.State;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The idempotency key an action's context gives each try of a step. */
class IdempotencyKeyTest {
  private final List<String> keys = new CopyOnWriteArrayList<>();
  private final AtomicInteger failuresLeft = new AtomicInteger();

  private Graph graph(RetryPolicy retry) {
    Action start = Action.builder("start").writes("n").update((s, in) -> s.update("n", 1L));
    Action pay =
        Action.builder("pay")
            .reads("n")
            .writes("paid")
            .retry(retry)
            .run(
                (s, in, ctx) -> {
                  keys.add(ctx.idempotencyKey());
                  if (failuresLeft.getAndDecrement() > 0) {
                    throw new IllegalStateException("the payment service timed out");
                  }
                  return ActionOutcome.of(java.util.Map.of(), s.update("paid", true));
                });
    return Graph.builder().withActions(start, pay).withTransition("start", "pay").build();
  }

  @Test
  void eachRetryOfAStepHasItsOwnKeyNamingAppStepAndTry() {
    failuresLeft.set(1);
    Application.builder()
        .withGraph(graph(RetryPolicy.attempts(3)))
        .withEntrypoint("start")
        .withState(State.empty())
        .withIdentifiers("order-7", null)
        .build()
        .run();

    assertThat(keys).containsExactly("order-7/1/1", "order-7/1/2");
  }

  @Test
  void aStepRunAgainAfterItsApplicationStoppedGetsTheSameKeyAsBefore() {
    InMemoryPersister persister = new InMemoryPersister();
    failuresLeft.set(1);
    Application first =
        Application.builder()
            .withGraph(graph(RetryPolicy.none()))
            .withEntrypoint("start")
            .withState(State.empty())
            .withIdentifiers("order-8", null)
            .withPersister(persister)
            .build();
    assertThatThrownBy(first::run).hasMessageContaining("the payment service timed out");

    // Another process resumes the app from its last checkpoint: the failed step runs again.
    Application.builder()
        .withGraph(graph(RetryPolicy.none()))
        .withIdentifiers("order-8", null)
        .withPersister(persister)
        .initializeFrom(persister, true, State.empty(), "start")
        .build()
        .run();

    assertThat(keys).containsExactly("order-8/1/1", "order-8/1/1");
  }
}
