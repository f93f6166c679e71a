package io.bramble.core.persistence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.action.Action;
import io.bramble.core.application.ActionFailedException;
import io.bramble.core.application.Application;
import io.bramble.core.application.ApplicationException;
import io.bramble.core.application.Halt;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Graph;
import io.bramble.core.state.State;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class PersisterTest {
  @TempDir static Path dir;
  private static final AtomicInteger files = new AtomicInteger();

  static Stream<Persister> persisters() {
    return Stream.of(
        new InMemoryPersister(),
        JdbcPersister.sqlite(dir.resolve("steps-" + files.incrementAndGet() + ".db")));
  }

  /** count -> count -> count -> done, with a switch that makes the third count fail once. */
  private static final AtomicBoolean failThirdCount = new AtomicBoolean();

  private static final AtomicInteger countRuns = new AtomicInteger();

  private static Graph counter() {
    Action count =
        Action.builder("count")
            .reads("n")
            .writes("n")
            .update(
                (s, in) -> {
                  countRuns.incrementAndGet();
                  if (s.getLong("n") == 2 && failThirdCount.getAndSet(false)) {
                    throw new IllegalStateException("transient failure");
                  }
                  return s.increment("n");
                });
    Action done =
        Action.builder("done").reads("n").writes("done").update((s, in) -> s.update("done", true));
    return Graph.builder()
        .withActions(count, done)
        .withTransition("count", "count", Condition.expr("n < 3"))
        .withTransition("count", "done")
        .build();
  }

  private static Application app(Persister p, String appId) {
    return Application.builder()
        .withGraph(counter())
        .withIdentifiers(appId, "user-1")
        .initializeFrom(p, true, State.of("n", 0), "count")
        .withPersister(p)
        .build();
  }

  @ParameterizedTest
  @MethodSource("persisters")
  void savesEveryStepAndLoadsTheLatestOrAGivenOne(Persister p) {
    app(p, "app-1").run();
    PersistedState latest = p.load("user-1", "app-1").orElseThrow();
    assertThat(latest.sequenceId()).isEqualTo(3);
    assertThat(latest.position()).isEqualTo("done");
    assertThat(latest.status()).isEqualTo(Status.COMPLETED);
    assertThat(latest.state().get("done")).isEqualTo(true);
    assertThat(p.load("user-1", "app-1", 1L).orElseThrow().state().get("n")).isEqualTo(2L);
    assertThat(p.load("user-2", "app-1")).isEmpty();
    assertThat(p.listAppIds("user-1")).containsExactly("app-1");
  }

  @ParameterizedTest
  @MethodSource("persisters")
  void aCompletedStepResumesWithTheNextActionAndSequenceId(Persister p) {
    Application first = app(p, "app-2");
    first.run(Halt.after("count"), Map.of());
    Application resumed = app(p, "app-2");
    assertThat(resumed.nextAction()).isEqualTo("count");
    assertThat(resumed.nextSequenceId()).isEqualTo(1);
    assertThat(resumed.state().get("n")).isEqualTo(1L);
    assertThat(resumed.run().state().get("n")).isEqualTo(3L);
  }

  @ParameterizedTest
  @MethodSource("persisters")
  void aFailedStepIsSavedWithThePreStepStateAndReRunOnResume(Persister p) {
    failThirdCount.set(true);
    assertThatThrownBy(() -> app(p, "app-3").run()).isInstanceOf(ActionFailedException.class);
    PersistedState failed = p.load("user-1", "app-3").orElseThrow();
    assertThat(failed.status()).isEqualTo(Status.FAILED);
    assertThat(failed.position()).isEqualTo("count");
    assertThat(failed.sequenceId()).isEqualTo(2);
    assertThat(failed.state().get("n")).isEqualTo(2L);

    countRuns.set(0);
    Application resumed = app(p, "app-3");
    assertThat(resumed.nextAction()).isEqualTo("count");
    assertThat(resumed.nextSequenceId()).isEqualTo(2);
    assertThat(resumed.run().state().get("n")).isEqualTo(3L);
    assertThat(countRuns.get()).isEqualTo(1);
  }

  @ParameterizedTest
  @MethodSource("persisters")
  void nothingSavedStartsFromTheDefaults(Persister p) {
    Application fresh = app(p, "never-seen");
    assertThat(fresh.nextAction()).isEqualTo("count");
    assertThat(fresh.nextSequenceId()).isZero();
    assertThat(fresh.state()).isEqualTo(State.of("n", 0));
  }

  @ParameterizedTest
  @MethodSource("persisters")
  void aForkCopiesAStepIntoANewAppLeavingTheSourceUntouched(Persister p) {
    app(p, "source").run();
    Application fork =
        Application.builder()
            .withGraph(counter())
            .withIdentifiers("fork-1", "user-1")
            .initializeFrom(p, true, State.of("n", 0), "count")
            .forkFrom("source", "user-1", 1L)
            .withPersister(p)
            .build();
    assertThat(fork.state().get("n")).isEqualTo(2L);
    assertThat(fork.nextSequenceId()).isEqualTo(2);
    fork.run();
    assertThat(p.load("user-1", "fork-1").orElseThrow().state().get("done")).isEqualTo(true);
    assertThat(p.load("user-1", "source").orElseThrow().sequenceId()).isEqualTo(3);
  }

  @ParameterizedTest
  @MethodSource("persisters")
  void forkingFromNothingIsAnError(Persister p) {
    assertThatThrownBy(
            () ->
                Application.builder()
                    .withGraph(counter())
                    .withIdentifiers("f", "user-1")
                    .initializeFrom(p, true, State.empty(), "count")
                    .forkFrom("ghost", "user-1", null)
                    .build())
        .isInstanceOf(ApplicationException.class)
        .hasMessageContaining("cannot fork from app ghost");
  }

  @ParameterizedTest
  @MethodSource("persisters")
  void concurrentSavesFromManyThreadsAreAllKept(Persister p) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < 8; t++) {
      int thread = t;
      fs.add(
          pool.submit(
              () -> {
                Persister mine = p.copy();
                for (int i = 0; i < 50; i++) {
                  mine.save("pk", "app-" + thread, i, "count", State.of("i", i), Status.COMPLETED);
                }
              }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
    assertThat(p.listAppIds("pk")).hasSize(8);
    for (int t = 0; t < 8; t++) {
      assertThat(p.load("pk", "app-" + t).orElseThrow().state().get("i")).isEqualTo(49L);
    }
  }

  @ParameterizedTest
  @MethodSource("persisters")
  void aNullPartitionKeyIsItsOwnPartition(Persister p) {
    p.save(null, "x", 0, "a", State.of("v", 1), Status.COMPLETED);
    assertThat(p.load(null, "x").orElseThrow().state().get("v")).isEqualTo(1L);
    assertThat(p.listAppIds(null)).containsExactly("x");
  }
}
