package io.bramble.core.application;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Transition;
import io.bramble.core.state.State;
import io.bramble.core.tracking.ApplicationEnd;
import io.bramble.core.tracking.LifecycleHook;
import io.bramble.core.tracking.StepEnd;
import io.bramble.core.tracking.StepStart;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ApplicationTest {
  private final Action a =
      Action.builder("a").writes("trail").update((s, in) -> s.append("trail", "a"));
  private final Action b =
      Action.builder("b").writes("trail").update((s, in) -> s.append("trail", "b"));
  private final Action c =
      Action.builder("c").writes("trail").update((s, in) -> s.append("trail", "c"));

  /** a -> b -> c -> (end) */
  private Application abc() {
    return Application.builder()
        .withActions(a, b, c)
        .withTransitions(Transition.of("a", "b"), Transition.of("b", "c"))
        .withEntrypoint("a")
        .build();
  }

  @Test
  void sequenceIdsStartAtZeroAndAreRecordedInState() {
    Application app = abc();
    List<Long> ids = new ArrayList<>();
    app.iterate(Halt.never(), Map.of()).forEach(s -> ids.add(s.sequenceId()));
    assertThat(ids).containsExactly(0L, 1L, 2L);
    assertThat(app.state().get(State.SEQUENCE_ID)).isEqualTo(2L);
    assertThat(app.priorAction()).isEqualTo("c");
    assertThat(app.hasNext()).isFalse();
  }

  @Test
  void stepReturnsEmptyAtTheEnd() {
    Application app = abc();
    app.run();
    assertThat(app.step()).isEmpty();
  }

  @Test
  void runWithoutHaltsRunsToTheEnd() {
    RunResult r = abc().run();
    assertThat(r.action()).isEqualTo("c");
    assertThat(r.state().getList("trail")).containsExactly("a", "b", "c");
  }

  @Test
  void haltAfterStopsAfterTheActionAndReturnsItsResult() {
    RunResult r = abc().run(Halt.after("b"), Map.of());
    assertThat(r.action()).isEqualTo("b");
    assertThat(r.result()).containsKey("trail");
    assertThat(r.state().getList("trail")).containsExactly("a", "b");
  }

  @Test
  void haltBeforeStopsInFrontOfTheActionWithANullResult() {
    Application app = abc();
    RunResult r = app.run(Halt.before("c"), Map.of());
    assertThat(r.action()).isEqualTo("c");
    assertThat(r.result()).isNull();
    assertThat(r.state().getList("trail")).containsExactly("a", "b");
    assertThat(app.nextAction()).isEqualTo("c");
  }

  @Test
  void atLeastOneStepRunsBeforeHaltsAreChecked() {
    RunResult r = abc().run(Halt.before("a"), Map.of());
    assertThat(r.state().getList("trail")).containsExactly("a", "b", "c");
  }

  @Test
  void haltBeforeIsCheckedBeforeHaltAfter() {
    RunResult r = abc().run(Halt.before("b").andAfter("a"), Map.of());
    assertThat(r.action()).isEqualTo("b");
    assertThat(r.result()).isNull();
  }

  @Test
  void haltsNamingUnknownActionsAreErrors() {
    assertThatThrownBy(() -> abc().run(Halt.before("nope"), Map.of()))
        .isInstanceOf(ApplicationException.class)
        .hasMessageContaining("halt before names unknown action 'nope'");
    assertThatThrownBy(() -> abc().run(Halt.after("@tag:none"), Map.of()))
        .hasMessageContaining("halt after names tag 'none'");
  }

  @Test
  void inputsAreFilteredToWhatEachActionDeclares() {
    AtomicReference<Map<String, Object>> seen = new AtomicReference<>();
    Action take =
        Action.builder("take")
            .inputs("x")
            .optionalInputs("y")
            .writes("got")
            .update(
                (s, in) -> {
                  seen.set(in);
                  return s.update("got", in.get("x"));
                });
    Application app = Application.builder().withActions(take).withEntrypoint("take").build();
    app.step(Map.of("x", 1, "y", 2, "z", 3));
    assertThat(seen.get()).containsOnlyKeys("x", "y");
  }

  @Test
  void aMissingRequiredInputIsAnErrorNamingActionAndInput() {
    Action take = Action.builder("take").inputs("x").update((s, in) -> s);
    Application app = Application.builder().withActions(take).withEntrypoint("take").build();
    assertThatThrownBy(() -> app.step(Map.of("y", 1)))
        .isInstanceOf(ApplicationException.class)
        .hasMessageContaining("action 'take' requires input 'x'");
  }

  @Test
  void callerInputsStartingWithDoubleUnderscoreAreRejected() {
    assertThatThrownBy(() -> abc().run(Map.of("__context", 1)))
        .isInstanceOf(ApplicationException.class)
        .hasMessageContaining("input '__context' is reserved");
  }

  @Test
  void aFailingActionFailsTheStepNamingActionAndKeepsTheState() {
    Action boom =
        Action.builder("boom")
            .update(
                (s, in) -> {
                  throw new IllegalStateException("kaput");
                });
    Application app =
        Application.builder()
            .withActions(a, boom)
            .withTransitions(Transition.of("a", "boom"))
            .withEntrypoint("a")
            .build();
    assertThatThrownBy(app::run)
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("action 'boom' failed")
        .hasMessageContaining("step 1")
        .hasMessageContaining("kaput")
        .hasRootCauseInstanceOf(IllegalStateException.class);
    assertThat(app.nextAction()).isEqualTo("boom");
    assertThat(app.nextSequenceId()).isEqualTo(1);
    assertThat(app.sequenceId()).as("the last step that ran, as Burr's sequence_id").isEqualTo(0L);
    assertThat(app.state().getList("trail")).containsExactly("a");
  }

  @Test
  void loopsRunUntilAConditionEndsThem() {
    Action inc = Action.builder("inc").reads("n").writes("n").update((s, in) -> s.increment("n"));
    Action done = Action.builder("done").reads("n").writes().update((s, in) -> s);
    Application app =
        Application.builder()
            .withActions(inc, done)
            .withTransitions(
                Transition.of("inc", "inc", Condition.expr("n < 5")), Transition.of("inc", "done"))
            .withState(State.of("n", 0))
            .withEntrypoint("inc")
            .build();
    RunResult r = app.run();
    assertThat(r.action()).isEqualTo("done");
    assertThat(r.state().get("n")).isEqualTo(5L);
    assertThat(r.state().get(State.SEQUENCE_ID)).isEqualTo(5L);
  }

  @Test
  void iterateIsAStreamOfSteps() {
    assertThat(abc().iterate(Halt.never(), Map.of()).stream().map(StepResult::action))
        .containsExactly("a", "b", "c");
  }

  @Test
  void hooksSeeEveryStepBeginAndEnd() {
    List<String> events = new ArrayList<>();
    LifecycleHook hook =
        new LifecycleHook() {
          @Override
          public void beforeStep(StepStart s) {
            events.add("begin " + s.action() + "#" + s.sequenceId());
          }

          @Override
          public void afterStep(StepEnd s) {
            events.add("end " + s.action() + "#" + s.sequenceId());
          }
        };
    Application.builder()
        .withActions(a, b)
        .withTransitions(Transition.of("a", "b"))
        .withEntrypoint("a")
        .withHooks(hook)
        .build()
        .run();
    assertThat(events).containsExactly("begin a#0", "end a#0", "begin b#1", "end b#1");
  }

  @Test
  void anUnknownEntrypointIsAnError() {
    assertThatThrownBy(() -> Application.builder().withActions(a).withEntrypoint("zzz").build())
        .hasMessageContaining("unknown action 'zzz'");
  }

  @Test
  void anApplicationContinuesElsewhereAtItsPositionStateAndSequenceId() {
    Application first = abc();
    first.run(Halt.after("a"), Map.of());
    Application resumed =
        Application.builder()
            .withGraph(first.graph())
            .withEntrypoint(first.nextAction())
            .withState(first.state())
            .build();
    resumed.seam().continueAt(first.nextSequenceId());
    StepResult s = resumed.step().orElseThrow();
    assertThat(s.action()).isEqualTo("b");
    assertThat(s.sequenceId()).isEqualTo(1);
    assertThat(resumed.run().state().getList("trail")).containsExactly("a", "b", "c");
  }

  /** The application-ended events {@code app} reports while {@code run} drives it. */
  private static List<ApplicationEnd> endsOf(
      java.util.function.Function<ApplicationBuilder, ApplicationBuilder> build,
      java.util.function.Consumer<Application> run) {
    List<ApplicationEnd> ends = new ArrayList<>();
    LifecycleHook hook =
        new LifecycleHook() {
          @Override
          public void onApplicationEnded(ApplicationEnd end) {
            ends.add(end);
          }
        };
    Application app = build.apply(Application.builder().withHooks(hook)).build();
    try {
      run.accept(app);
    } catch (ActionFailedException expected) {
      // the failure is what the hook reports
    }
    return ends;
  }

  @Test
  void anApplicationReportsHowItEndedCompletedHaltedOrFailed() {
    List<ApplicationEnd> completed =
        endsOf(
            b ->
                b.withActions(a, this.b, c)
                    .withTransitions(Transition.of("a", "b"), Transition.of("b", "c"))
                    .withEntrypoint("a"),
            Application::run);
    assertThat(completed)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.status()).isEqualTo(ApplicationEnd.Status.COMPLETED);
              assertThat(e.lastAction()).isEqualTo("c");
              assertThat(e.lastSequenceId()).isEqualTo(2L);
              assertThat(e.nextAction()).isNull();
            });

    List<ApplicationEnd> halted =
        endsOf(
            b ->
                b.withActions(a, this.b, c)
                    .withTransitions(Transition.of("a", "b"), Transition.of("b", "c"))
                    .withEntrypoint("a"),
            app -> app.run(Halt.before("c")));
    assertThat(halted)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.status()).isEqualTo(ApplicationEnd.Status.HALTED);
              assertThat(e.lastAction()).isEqualTo("b");
              assertThat(e.nextAction()).isEqualTo("c");
            });

    Action boom =
        Action.builder("boom")
            .update(
                (st, in) -> {
                  throw new IllegalStateException("kaput");
                });
    List<ApplicationEnd> failed =
        endsOf(
            b ->
                b.withActions(a, boom)
                    .withTransitions(Transition.of("a", "boom"))
                    .withEntrypoint("a"),
            Application::run);
    assertThat(failed)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.status()).isEqualTo(ApplicationEnd.Status.FAILED);
              assertThat(e.lastAction()).isEqualTo("boom");
              assertThat(e.nextAction()).isEqualTo("boom");
              assertThat(e.error()).contains("kaput");
            });
  }

  @Test
  void onlyAFreshApplicationCanBeToldWhereItsSequenceContinues() {
    Application app = abc();
    app.step();
    assertThatThrownBy(() -> app.seam().continueAt(7))
        .isInstanceOf(ApplicationException.class)
        .hasMessageContaining("has run steps already");
  }
}
