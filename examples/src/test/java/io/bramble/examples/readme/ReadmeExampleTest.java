package io.bramble.examples.readme;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.action.Action;
import io.bramble.core.action.ActionOutcome;
import io.bramble.core.action.Result;
import io.bramble.core.action.StepAction;
import io.bramble.core.application.Application;
import io.bramble.core.application.Halt;
import io.bramble.core.application.RunResult;
import io.bramble.core.application.StreamingRun;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.ChildIds;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.ParallelAction;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.persistence.JdbcPersister;
import io.bramble.core.state.State;
import io.bramble.core.stream.Chunk;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's examples, verbatim, so they keep compiling and doing what the README says. */
class ReadmeExampleTest {
  @TempDir Path dir;

  // ---- README: "A tour of the API" --------------------------------------------------------------

  // An action from a lambda: reads and writes are declared and checked.
  static final Action COUNT =
      Action.builder("count")
          .reads("count")
          .writes("count")
          .update((state, inputs) -> state.increment("count"));

  // An action as a class: run does the work (a model call, say), update folds its result into
  // state.
  static final class Greet extends StepAction {
    Greet() {
      super("greet");
    }

    @Override
    public List<String> reads() {
      return List.of("count");
    }

    @Override
    public List<String> writes() {
      return List.of("greeting");
    }

    @Override
    public List<String> requiredInputs() {
      return List.of("name");
    }

    @Override
    protected Map<String, Object> run(State state, Map<String, Object> inputs) {
      return Map.of(
          "greeting", "hello " + inputs.get("name") + ", counted to " + state.getLong("count"));
    }

    @Override
    protected State update(Map<String, Object> result, State state) {
      return state.update(result);
    }
  }

  static Graph graph() {
    return Graph.builder()
        .withActions(COUNT, new Greet(), new Result("result", "greeting"))
        .withTransition("count", "count", Condition.expr("count < 3"))
        .withTransition("count", "greet")
        .withTransition("greet", "result")
        .build();
  }

  @Test
  void streaming() {
    Action spell =
        Action.builder("spell")
            .reads("word")
            .writes("spelled")
            .run(
                (state, inputs, ctx) -> {
                  for (char c : state.getString("word").toCharArray()) {
                    ctx.emit(c + " "); // partial results, before the step's result
                  }
                  return ActionOutcome.of(Map.of(), state.update("spelled", true));
                });
    Application app =
        Application.builder()
            .withActions(spell)
            .withEntrypoint("spell")
            .withState(State.of("word", "sea"))
            .build();
    StreamingRun run = app.stream(Halt.never(), Map.of()); // runs on a thread of its own
    List<String> heard = new ArrayList<>();
    for (Chunk c : run) { // the running steps' text, as it comes
      heard.add(c.text());
    }
    RunResult result = run.result(); // then where the run stopped
    assertThat(heard).containsExactly("s ", "e ", "a ");
    assertThat(result.state().get("spelled")).isEqualTo(true);
  }

  @Test
  void runWithHalts() {
    Application app =
        Application.builder()
            .withGraph(graph())
            .withState(State.of("count", 0))
            .withEntrypoint("count")
            .build();
    RunResult r =
        app.run(Halt.after("greet"), Map.of("name", "Ada")); // also Halt.before(…), .andAfter(…)
    // r.action() is "greet"; app.nextAction() is "result"
    assertThat(r.action()).isEqualTo("greet");
    assertThat(app.nextAction()).isEqualTo("result");
    assertThat(r.state().getString("greeting")).isEqualTo("hello Ada, counted to 3");
  }

  @Test
  void persistenceAndResume() {
    Path file = dir.resolve("steps.db");
    try (JdbcPersister db = JdbcPersister.sqlite(file)) {
      Application app =
          Application.builder()
              .withGraph(graph())
              .withIdentifiers("counter-1", null) // app id, partition key
              .withPersister(db) // saves every step
              .initializeFrom(db, true, State.of("count", 0), "count") // resume, or start fresh
              .build();
      app.run(Halt.before("greet")); // stops in front of greet
    }
    // later, in another process: the same id continues where the first run stopped
    try (JdbcPersister db = JdbcPersister.sqlite(file)) {
      Application app =
          Application.builder()
              .withGraph(graph())
              .withIdentifiers("counter-1", null)
              .withPersister(db)
              .initializeFrom(db, true, State.of("count", 0), "count")
              .build();
      assertThat(app.nextAction()).isEqualTo("greet");
      assertThat(app.run(Map.of("name", "Ada")).state().getString("greeting"))
          .isEqualTo("hello Ada, counted to 3");
    }
  }

  @Test
  void mapStates() {
    RunnableGraph square =
        RunnableGraph.of(
            Action.builder("square")
                .reads("x")
                .writes("y")
                .update((s, in) -> s.update("y", s.getLong("x") * s.getLong("x"))));

    ParallelAction squares =
        MapStates.builder("squares")
            .reads("xs")
            .writes("ys")
            .subGraph(square) // one child application per state
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) -> s.update("ys", children.stream().map(c -> c.get("y")).toList()))
            .build();

    State end =
        Application.builder()
            .withActions(squares)
            .withEntrypoint("squares")
            .withState(State.of("xs", List.of(1, 2, 3)))
            .build()
            .run()
            .state();
    // end.get("ys") is [1, 4, 9]: children's final states arrive in task order
    assertThat(end.get("ys")).isEqualTo(List.of(1L, 4L, 9L));
  }

  // ---- README: "Full control"
  // ---------------------------------------------------------------------

  static final Action DOUBLE =
      Action.builder("double")
          .reads("x")
          .writes("y")
          .update((s, in) -> s.update("y", s.getLong("x") * 2));

  static final Action FAN =
      Action.builder("fan")
          .reads("xs")
          .writes("ys")
          .run(
              (state, inputs, ctx) -> {
                List<Long> xs = state.getList("xs");
                List<Callable<State>> children = new ArrayList<>();
                for (int i = 0; i < xs.size(); i++) {
                  Application child =
                      Application.builder()
                          .withActions(DOUBLE)
                          .withEntrypoint("double")
                          .withState(State.of("x", xs.get(i)))
                          .withIdentifiers(
                              ChildIds.of(ctx.appId(), ctx.sequenceId(), "x" + i),
                              ctx.partitionKey())
                          .withSpawningParent(ctx.appId(), ctx.partitionKey(), ctx.sequenceId())
                          .withTracker(ctx.tracker() == null ? null : ctx.tracker().copy())
                          .withParallelExecutor(ctx.parallelExecutor())
                          .build();
                  children.add(() -> child.run().state());
                }
                List<Long> ys = new ArrayList<>();
                for (State c :
                    ctx.parallelExecutor().invokeAll(children)) { // results in task order
                  ys.add(c.getLong("y"));
                }
                return ActionOutcome.of(Map.of("ys", ys), state.update("ys", ys));
              });

  @Test
  void fullControl() {
    State end =
        Application.builder()
            .withActions(FAN)
            .withEntrypoint("fan")
            .withState(State.of("xs", List.of(4, 5)))
            .build()
            .run()
            .state();
    assertThat(end.get("ys")).isEqualTo(List.of(8L, 10L));
  }
}
