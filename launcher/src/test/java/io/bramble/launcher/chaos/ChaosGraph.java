package io.bramble.launcher.chaos;

import io.bramble.core.action.Action;
import io.bramble.core.action.ActionContext;
import io.bramble.core.action.ActionOutcome;
import io.bramble.core.application.Application;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.ParallelAction;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.state.State;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

/**
 * The graph the crash test runs, found by every process through {@code ServiceLoader}: {@code
 * prepare} (items 0..n-1) → {@code fan_out} (one child per item: {@code step} ×3, sleeping {@code
 * sleep_ms} each, → {@code done}, out = item * 2) → {@code summarize}. The reduce keeps the outs,
 * the items and the child app ids it saw, in task order, so a child counted twice or missing shows
 * in the final state. Every executed action is recorded by {@link ExecutionRecorder}.
 */
public final class ChaosGraph implements GraphProvider {
  public static final String NAME = "chaos";
  private final Graph graph = build();

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Graph graph() {
    return graph;
  }

  @Override
  public String entrypoint() {
    return "prepare";
  }

  /** The job's input: {@code n} children whose three steps sleep {@code sleepMs} each. */
  public static State input(int n, int sleepMs) {
    return input(n, sleepMs, 0);
  }

  /** As {@link #input(int, int)}, the reduce sleeping {@code reduceMs} (a model merging drafts). */
  public static State input(int n, int sleepMs, int reduceMs) {
    return State.of("n", n, "sleep_ms", sleepMs, "reduce_ms", reduceMs);
  }

  /** The state a run of {@code input} ends in undisturbed, in this JVM, as app {@code appId}. */
  public static State undisturbed(String appId, State input) {
    try (ThreadPoolParallelExecutor threads = new ThreadPoolParallelExecutor(256)) {
      return Application.builder()
          .withGraph(new ChaosGraph().graph())
          .withEntrypoint("prepare")
          .withState(input)
          .withIdentifiers(appId, null)
          .withParallelExecutor(threads)
          .build()
          .run()
          .state();
    }
  }

  private static Graph build() {
    Action step =
        recorded(
            Action.builder("step")
                .reads("steps", "sleep_ms")
                .writes("steps")
                .update(
                    (s, in) -> {
                      Thread.sleep(s.getLong("sleep_ms"));
                      return s.increment("steps");
                    }));
    Action done =
        recorded(
            Action.builder("done")
                .reads("item")
                .writes("out", "app")
                .run(
                    (s, in, ctx) -> {
                      State next =
                          s.update("out", s.getLong("item") * 2).update("app", ctx.appId());
                      return ActionOutcome.of(
                          Map.of("out", next.get("out"), "app", ctx.appId()), next);
                    }));
    Graph child =
        Graph.builder()
            .withActions(step, done)
            .withTransition("step", "step", Condition.expr("steps < 3"))
            .withTransition("step", "done")
            .build();

    Action prepare =
        recorded(
            Action.builder("prepare")
                .reads("n")
                .writes("items")
                .update(
                    (s, in) ->
                        s.update("items", LongStream.range(0, s.getLong("n")).boxed().toList())));
    ParallelAction fanOut =
        MapStates.builder("fan_out")
            .reads("items", "sleep_ms", "reduce_ms")
            .writes("outs", "seen_items", "seen_apps")
            .subGraph(RunnableGraph.of(child, "step", "done"))
            .states(
                (s, in) ->
                    s.<Long>getList("items").stream()
                        .map(
                            item ->
                                State.of("item", item, "steps", 0, "sleep_ms", s.get("sleep_ms")))
                        .toList())
            .reduce(
                (s, children) -> {
                  // A reduce has no context: recorded (as it starts) under the pseudo app id "-".
                  ExecutionRecorder.record("-", -1, "reduce");
                  Object reduceMs = s.get("reduce_ms");
                  if (reduceMs != null) {
                    pause((Long) reduceMs);
                  }
                  return s.update("outs", children.stream().map(c -> c.get("out")).toList())
                      .update("seen_items", children.stream().map(c -> c.get("item")).toList())
                      .update("seen_apps", children.stream().map(c -> c.get("app")).toList());
                })
            .build();
    Action summarize =
        recorded(
            Action.builder("summarize")
                .reads("outs")
                .writes("sum")
                .update(
                    (s, in) ->
                        s.update(
                            "sum",
                            s.<Long>getList("outs").stream().mapToLong(Long::longValue).sum())));
    return Graph.builder()
        .withActions(prepare, fanOut, summarize)
        .withTransition("prepare", "fan_out")
        .withTransition("fan_out", "summarize")
        .build();
  }

  private static void pause(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted in the reduce", e);
    }
  }

  private static Action recorded(Action action) {
    return new Recorded(action);
  }

  /** An action that records each execution that returned (so was about to be checkpointed). */
  private record Recorded(Action delegate) implements Action {
    @Override
    public String name() {
      return delegate.name();
    }

    @Override
    public List<String> reads() {
      return delegate.reads();
    }

    @Override
    public List<String> writes() {
      return delegate.writes();
    }

    @Override
    public List<String> requiredInputs() {
      return delegate.requiredInputs();
    }

    @Override
    public List<String> optionalInputs() {
      return delegate.optionalInputs();
    }

    @Override
    public Set<String> tags() {
      return delegate.tags();
    }

    @Override
    public ActionOutcome execute(State state, Map<String, Object> inputs, ActionContext context)
        throws Exception {
      ActionOutcome outcome = delegate.execute(state, inputs, context);
      ExecutionRecorder.record(context.appId(), context.sequenceId(), delegate.name());
      return outcome;
    }
  }
}
