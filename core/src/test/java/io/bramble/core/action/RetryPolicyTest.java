package io.bramble.core.action;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.application.ActionFailedException;
import io.bramble.core.application.Application;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.ChildFailure;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.ParallelAction;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.persistence.InMemoryPersister;
import io.bramble.core.state.State;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  private static final RetryPolicy QUICK =
      RetryPolicy.attempts(3).backoff(Duration.ofMillis(1), 2, Duration.ofMillis(5));

  /** Fails the first {@code failures} runs with {@code error}, then writes done=true. */
  private static Action flaky(
      AtomicInteger runs, int failures, RuntimeException error, RetryPolicy policy) {
    return Action.builder("flaky")
        .writes("done")
        .retry(policy)
        .update(
            (s, in) -> {
              if (runs.incrementAndGet() <= failures) {
                throw error;
              }
              return s.update("done", true);
            });
  }

  private static Application app(Action a) {
    return Application.builder().withActions(a).withEntrypoint(a.name()).build();
  }

  @Test
  void aFailingActionIsTriedAgainUntilItSucceeds() {
    AtomicInteger runs = new AtomicInteger();
    Application app = app(flaky(runs, 2, new IllegalStateException("blip"), QUICK));
    assertThat(app.run().state().get("done")).isEqualTo(true);
    assertThat(runs.get()).isEqualTo(3);
    assertThat(app.nextSequenceId()).isEqualTo(1);
  }

  @Test
  void afterTheLastAttemptTheStepFailsWithTheActionsError() {
    AtomicInteger runs = new AtomicInteger();
    assertThatThrownBy(
            () -> app(flaky(runs, 10, new IllegalStateException("still down"), QUICK)).run())
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("action 'flaky' failed")
        .hasMessageContaining("still down");
    assertThat(runs.get()).isEqualTo(3);
  }

  @Test
  void onlyTheNamedExceptionsAreRetried() {
    AtomicInteger runs = new AtomicInteger();
    RetryPolicy ioOnly = QUICK.retryOn(UncheckedIOException.class);
    assertThatThrownBy(
            () -> app(flaky(runs, 10, new IllegalArgumentException("bad input"), ioOnly)).run())
        .hasMessageContaining("bad input");
    assertThat(runs.get()).isEqualTo(1);
    AtomicInteger ioRuns = new AtomicInteger();
    assertThat(
            app(flaky(ioRuns, 1, new UncheckedIOException(new IOException("net")), ioOnly))
                .run()
                .state()
                .get("done"))
        .isEqualTo(true);
    assertThat(ioRuns.get()).isEqualTo(2);
  }

  @Test
  void contractErrorsAreNeverRetried() {
    AtomicInteger runs = new AtomicInteger();
    Action sneaky =
        Action.builder("sneaky")
            .writes()
            .retry(QUICK)
            .update(
                (s, in) -> {
                  runs.incrementAndGet();
                  return s.update("undeclared", 1);
                });
    assertThatThrownBy(() -> app(sneaky).run()).hasMessageContaining("wrote key 'undeclared'");
    assertThat(runs.get()).isEqualTo(1);
  }

  @Test
  void backoffGrowsByTheMultiplierUpToTheMaximum() {
    RetryPolicy p =
        RetryPolicy.attempts(10).backoff(Duration.ofMillis(100), 2, Duration.ofMillis(350));
    assertThat(List.of(p.delayAfter(1), p.delayAfter(2), p.delayAfter(3), p.delayAfter(4)))
        .containsExactly(
            Duration.ofMillis(100),
            Duration.ofMillis(200),
            Duration.ofMillis(350),
            Duration.ofMillis(350));
  }

  private static ParallelAction mapOverFlakyChildren(
      Map<Long, AtomicInteger> prepares,
      Map<Long, AtomicInteger> finishes,
      Map<Long, Integer> failuresPerChild,
      RetryPolicy childRetry,
      boolean tolerant) {
    Action prepare =
        Action.builder("prepare")
            .reads("x")
            .writes("ready")
            .update(
                (s, in) -> {
                  prepares
                      .computeIfAbsent(s.getLong("x"), k -> new AtomicInteger())
                      .incrementAndGet();
                  return s.update("ready", true);
                });
    Action finish =
        Action.builder("finish")
            .reads("x")
            .writes("y")
            .update(
                (s, in) -> {
                  long x = s.getLong("x");
                  int n = finishes.computeIfAbsent(x, k -> new AtomicInteger()).incrementAndGet();
                  if (n <= failuresPerChild.getOrDefault(x, 0)) {
                    throw new IllegalStateException("child " + x + " failed, try " + n);
                  }
                  return s.update("y", x * 10);
                });
    var child =
        Graph.builder().withActions(prepare, finish).withTransition("prepare", "finish").build();
    MapStates.Builder b =
        MapStates.builder("map")
            .reads("xs")
            .writes("ys", "failed")
            .subGraph(RunnableGraph.of(child, "prepare", "finish"))
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, cs) ->
                    s.update("ys", cs.stream().map(c -> c.get("y")).toList())
                        .update("failed", List.of()))
            .childRetry(childRetry);
    if (tolerant) {
      b.reduceWithFailures(
          (s, ok, failures) ->
              s.update("ys", ok.stream().map(c -> c.get("y")).toList())
                  .update(
                      "failed",
                      failures.stream().map(ChildFailure::index).map(Long::valueOf).toList()));
    }
    return b.build();
  }

  @Test
  void aFailingChildIsRetriedFromItsFailedActionWhenItHasAPersister() {
    Map<Long, AtomicInteger> prepares = new ConcurrentHashMap<>();
    Map<Long, AtomicInteger> finishes = new ConcurrentHashMap<>();
    ParallelAction map = mapOverFlakyChildren(prepares, finishes, Map.of(2L, 2), QUICK, false);
    Application app =
        Application.builder()
            .withActions(map)
            .withEntrypoint("map")
            .withState(State.of("xs", List.of(1, 2, 3)))
            .withPersister(new InMemoryPersister())
            .build();
    assertThat(app.run().state().<Long>getList("ys")).containsExactly(10L, 20L, 30L);
    assertThat(finishes.get(2L).get()).isEqualTo(3);
    assertThat(prepares.get(2L).get()).isEqualTo(1);
  }

  @Test
  void aFailureTolerantReduceGetsTheSuccessesAndTheFailures() {
    ParallelAction map =
        mapOverFlakyChildren(
            new ConcurrentHashMap<>(),
            new ConcurrentHashMap<>(),
            Map.of(2L, 99, 4L, 99),
            RetryPolicy.none(),
            true);
    State end =
        Application.builder()
            .withActions(map)
            .withEntrypoint("map")
            .withState(State.of("xs", List.of(1, 2, 3, 4)))
            .build()
            .run()
            .state();
    assertThat(end.<Long>getList("ys")).containsExactly(10L, 30L);
    assertThat(end.<Long>getList("failed")).containsExactly(1L, 3L);
  }

  @Test
  void withoutToleranceTheExhaustedChildsErrorReachesTheParent() {
    ParallelAction map =
        mapOverFlakyChildren(
            new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), Map.of(3L, 99), QUICK, false);
    assertThatThrownBy(
            () ->
                Application.builder()
                    .withActions(map)
                    .withEntrypoint("map")
                    .withState(State.of("xs", List.of(1, 2, 3)))
                    .build()
                    .run())
        .hasMessageContaining("action 'map' failed")
        .hasMessageContaining("child 2")
        .hasMessageContaining("child 3 failed, try 3");
  }
}
