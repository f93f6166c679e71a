package io.bramble.examples.collatz;

import io.bramble.core.action.Action;
import io.bramble.core.application.Application;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.state.State;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

/**
 * Collatz sequences, one child application per starting number:
 *
 * <pre>
 * all_sequences → longest
 *   │ one child per n in [from, to] (MapStates):
 *   └ initial → step ⟲ (until current == 1) → done
 * </pre>
 *
 * {@code lengths} maps each n (as a string, in task order) to the length of its sequence, n and the
 * final 1 included; {@code longest} names the n with the longest one.
 */
public final class Collatz {
  public static final String ENTRYPOINT = "all_sequences";
  public static final long DEFAULT_FROM = 80;
  public static final long DEFAULT_TO = 99;
  public static final List<String> RESULT_KEYS = List.of("from", "to", "lengths", "longest");

  private static final Condition REACHED_ONE = Condition.expr("current == 1");

  private Collatz() {}

  /** The parent's starting state: the range to map over, both ends included. */
  public static State initialState(long from, long to) {
    if (from < 1 || to < from) {
      throw new IllegalArgumentException("need 1 <= from <= to, got from=" + from + ", to=" + to);
    }
    return State.of("from", from, "to", to);
  }

  public static Graph graph() {
    return Graph.builder()
        .withActions(allSequences(), longest())
        .withTransition(ENTRYPOINT, "longest")
        .build();
  }

  public static Application application(long from, long to) {
    return Application.builder()
        .withGraph(graph())
        .withEntrypoint(ENTRYPOINT)
        .withState(initialState(from, to))
        .build();
  }

  /** One sequence: {@code initial} → {@code step} until {@code current == 1} → {@code done}. */
  public static RunnableGraph childGraph() {
    Action initial =
        Action.builder("initial")
            .reads("n")
            .writes("current", "history")
            .update(
                (s, in) ->
                    s.update("current", s.getLong("n")).update("history", List.of(s.getLong("n"))));
    Action step =
        Action.builder("step")
            .reads("current", "history")
            .writes("current", "history")
            .update(
                (s, in) -> {
                  long c = s.getLong("current");
                  long next = c % 2 == 0 ? c / 2 : Math.addExact(Math.multiplyExact(3, c), 1);
                  return s.update("current", next).append("history", next);
                });
    Action done =
        Action.builder("done")
            .reads("history")
            .writes("length")
            .update((s, in) -> s.update("length", (long) s.getList("history").size()));
    Graph g =
        Graph.builder()
            .withActions(initial, step, done)
            .withTransition(List.of("initial", "step"), "done", REACHED_ONE)
            .withTransition(List.of("initial", "step"), "step", Condition.DEFAULT)
            .build();
    return RunnableGraph.of(g, "initial", "done");
  }

  static Action allSequences() {
    return MapStates.builder(ENTRYPOINT)
        .reads("from", "to")
        .writes("lengths")
        .subGraph(childGraph())
        .states(
            (state, inputs) -> {
              initialState(
                  state.getLong("from"),
                  state.getLong("to")); // refuses a range that is not 1 <= from <= to
              return LongStream.rangeClosed(state.getLong("from"), state.getLong("to"))
                  .mapToObj(n -> State.of("n", n))
                  .toList();
            })
        .reduce(
            (state, children) -> {
              Map<String, Object> lengths = new LinkedHashMap<>();
              for (State c : children) {
                lengths.put(Long.toString(c.getLong("n")), c.getLong("length"));
              }
              return state.update("lengths", lengths);
            })
        .build();
  }

  static Action longest() {
    return Action.builder("longest")
        .reads("lengths")
        .writes("longest")
        .update(
            (state, inputs) -> {
              String best = null;
              long bestLength = -1;
              for (Map.Entry<String, Object> e : state.getMap("lengths").entrySet()) {
                if ((Long) e.getValue() > bestLength) {
                  best = e.getKey();
                  bestLength = (Long) e.getValue();
                }
              }
              Map<String, Object> longest = new LinkedHashMap<>();
              longest.put("n", Long.parseLong(best));
              longest.put("length", bestLength);
              return state.update("longest", longest);
            });
  }
}
