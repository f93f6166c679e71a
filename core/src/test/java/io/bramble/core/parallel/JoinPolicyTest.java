package io.bramble.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.action.Action;
import io.bramble.core.application.Application;
import io.bramble.core.graph.Graph;
import io.bramble.core.state.State;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** Join policies and child timeouts of parallel steps, on the local executor. */
class JoinPolicyTest {
  private final Set<Long> started = ConcurrentHashMap.newKeySet();
  private final Set<Long> finished = ConcurrentHashMap.newKeySet();

  /**
   * One child per x: {@code begin} (sleeps x ms; a negative x fails) then {@code end}; the reduce
   * lists the children's x in task order, and the failures' indexes.
   */
  private Graph fanOut(UnaryOperator<MapStates.Builder> policy) {
    Action begin =
        Action.builder("begin")
            .reads("x")
            .writes("begun")
            .update(
                (s, in) -> {
                  long x = s.getLong("x");
                  started.add(x);
                  if (x < 0) {
                    throw new IllegalStateException("cannot do " + x);
                  }
                  Thread.sleep(x);
                  return s.update("begun", true);
                });
    Action end =
        Action.builder("end")
            .reads("x")
            .writes("done")
            .update(
                (s, in) -> {
                  finished.add(s.getLong("x"));
                  return s.update("done", true);
                });
    RunnableGraph child =
        RunnableGraph.of(
            Graph.builder().withActions(begin, end).withTransition("begin", "end").build(),
            "begin");
    MapStates.Builder b =
        MapStates.builder("all")
            .reads("xs")
            .writes("kept", "failed")
            .subGraph(child)
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) ->
                    s.update(
                        java.util.Map.of(
                            "kept",
                            children.stream().map(c -> c.get("x")).toList(),
                            "failed",
                            List.of())));
    return Graph.builder().withActions(policy.apply(b).build()).build();
  }

  private static State run(Graph graph, List<Long> xs) {
    try (ThreadPoolParallelExecutor threads = new ThreadPoolParallelExecutor(8)) {
      return Application.builder()
          .withGraph(graph)
          .withEntrypoint("all")
          .withState(State.of("xs", xs))
          .withParallelExecutor(threads)
          .build()
          .run()
          .state();
    }
  }

  @Test
  void firstNReducesTheFirstChildrenToCompleteAndTheOthersNeverStart() {
    // One at a time, so which complete first is known: children 0 and 1.
    State end =
        run(
            fanOut(b -> b.join(JoinPolicy.firstN(2)).maxConcurrency(1)),
            List.of(1L, 2L, 3L, 4L, 5L));

    assertThat(end.<Long>getList("kept")).containsExactly(1L, 2L);
    assertThat(started).containsExactlyInAnyOrder(1L, 2L);
  }

  @Test
  void aQuorumCompletesOnceItsShareOfTheChildrenHas() {
    State end =
        run(fanOut(b -> b.join(JoinPolicy.quorum(0.5)).maxConcurrency(1)), List.of(1L, 2L, 3L, 4L));

    assertThat(end.<Long>getList("kept")).containsExactly(1L, 2L);
    assertThat(started).containsExactlyInAnyOrder(1L, 2L);
    assertThat(JoinPolicy.quorum(0.5).needed(5)).isEqualTo(3);
    assertThat(JoinPolicy.quorum(1.0).needed(3)).isEqualTo(3);
  }

  @Test
  void failuresThatLeaveTooFewChildrenFailTheStepAtOnceOrReachReduceWithFailures() {
    assertThatThrownBy(
            () ->
                run(
                    fanOut(b -> b.join(JoinPolicy.firstN(3)).maxConcurrency(1)),
                    List.of(1L, -2L, -3L, 4L)))
        .hasMessageContaining("cannot do -2");
    assertThat(started).as("child 3 is not needed any more").doesNotContain(4L);

    started.clear();
    State tolerated =
        run(
            fanOut(
                b ->
                    b.join(JoinPolicy.firstN(3))
                        .maxConcurrency(1)
                        .reduceWithFailures(
                            (s, ok, failures) ->
                                s.update(
                                    java.util.Map.of(
                                        "kept",
                                        ok.stream().map(c -> c.get("x")).toList(),
                                        "failed",
                                        failures.stream().map(f -> (long) f.index()).toList())))),
            List.of(1L, -2L, -3L, 4L));
    assertThat(tolerated.<Long>getList("kept")).containsExactly(1L);
    assertThat(tolerated.<Long>getList("failed")).containsExactly(1L, 2L);
  }

  @Test
  void aChildNotDoneInTimeCountsAsFailedAndStopsAtItsNextStepBoundary() {
    State end =
        run(
            fanOut(
                b ->
                    b.childTimeout(Duration.ofSeconds(1))
                        .reduceWithFailures(
                            (s, ok, failures) ->
                                s.update(
                                    java.util.Map.of(
                                        "kept",
                                        ok.stream().map(c -> c.get("x")).toList(),
                                        "failed",
                                        failures.stream()
                                            .map(f -> f.index() + " " + f.errorType())
                                            .toList())))),
            List.of(1L, 2_500L, 3L));

    assertThat(end.<Long>getList("kept")).containsExactly(1L, 3L);
    assertThat(end.<String>getList("failed"))
        .containsExactly("1 " + ChildTimedOutException.class.getName());
    assertThat(finished)
        .as("the late child's end step never ran")
        .containsExactlyInAnyOrder(1L, 3L);
  }
}
