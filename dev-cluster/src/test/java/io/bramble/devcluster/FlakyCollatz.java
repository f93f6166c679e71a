package io.bramble.devcluster;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.ParallelAction;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.state.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Burr's robustness scenario: collatz children for n in 80..99 where every step fails with a
 * probability; counts how often each child's {@code initial} step completed.
 */
final class FlakyCollatz implements GraphProvider {
  static volatile double failureRate;
  static volatile Random random = new Random(1);
  static final Map<Long, AtomicInteger> INITIAL_RUNS = new ConcurrentHashMap<>();

  private final Graph graph = build();

  @Override
  public String name() {
    return "flaky_collatz";
  }

  @Override
  public Graph graph() {
    return graph;
  }

  @Override
  public String entrypoint() {
    return "sequences";
  }

  @Override
  public State defaultState() {
    return State.of("from", 80, "to", 99);
  }

  private static void maybeFail(String action) {
    double roll;
    synchronized (FlakyCollatz.class) {
      roll = random.nextDouble();
    }
    if (roll < failureRate) {
      throw new IllegalStateException("injected failure in " + action);
    }
  }

  static Graph build() {
    Action initial =
        Action.builder("initial")
            .reads("n")
            .writes("current", "history")
            .update(
                (s, in) -> {
                  maybeFail("initial");
                  INITIAL_RUNS
                      .computeIfAbsent(s.getLong("n"), k -> new AtomicInteger())
                      .incrementAndGet();
                  return s.update("current", s.get("n")).update("history", List.of(s.get("n")));
                });
    Action step =
        Action.builder("step")
            .reads("current")
            .writes("current", "history")
            .update(
                (s, in) -> {
                  maybeFail("step");
                  long c = s.getLong("current");
                  long next = c % 2 == 0 ? c / 2 : 3 * c + 1;
                  return s.update("current", next).append("history", next);
                });
    Action done =
        Action.builder("done")
            .reads("history")
            .writes("length")
            .update(
                (s, in) -> {
                  maybeFail("done");
                  return s.update("length", (long) s.getList("history").size());
                });
    Condition reachedOne = Condition.expr("current == 1");
    Graph child =
        Graph.builder()
            .withActions(initial, step, done)
            .withTransition("initial", "done", reachedOne)
            .withTransition("initial", "step")
            .withTransition("step", "done", reachedOne)
            .withTransition("step", "step")
            .build();
    ParallelAction sequences =
        MapStates.builder("sequences")
            .reads("from", "to")
            .writes("lengths")
            .subGraph(RunnableGraph.of(child, "initial", "done"))
            .states(
                (s, in) -> {
                  List<State> states = new ArrayList<>();
                  for (long n = s.getLong("from"); n <= s.getLong("to"); n++) {
                    states.add(State.of("n", n));
                  }
                  return states;
                })
            .reduce(
                (s, children) ->
                    s.update("lengths", children.stream().map(c -> c.get("length")).toList()))
            .build();
    Action longest =
        Action.builder("longest")
            .reads("lengths")
            .writes("longest")
            .update(
                (s, in) -> {
                  maybeFail("longest");
                  return s.update(
                      "longest",
                      s.<Long>getList("lengths").stream()
                          .mapToLong(Long::longValue)
                          .max()
                          .orElse(0));
                });
    return Graph.builder()
        .withActions(sequences, longest)
        .withTransition("sequences", "longest")
        .build();
  }
}
