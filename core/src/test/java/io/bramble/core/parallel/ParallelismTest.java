package io.bramble.core.parallel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.action.Action;
import io.bramble.core.action.ActionContext;
import io.bramble.core.action.ActionOutcome;
import io.bramble.core.application.ActionFailedException;
import io.bramble.core.application.Application;
import io.bramble.core.application.Halt;
import io.bramble.core.application.RunResult;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Graph;
import io.bramble.core.persistence.InMemoryPersister;
import io.bramble.core.persistence.PersistedState;
import io.bramble.core.persistence.Status;
import io.bramble.core.runtime.Seam;
import io.bramble.core.state.State;
import io.bramble.core.tracking.LocalFileTracker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParallelismTest {

  /** A child action that doubles x into y after a random pause, so children finish out of order. */
  private static final Action DOUBLE =
      Action.builder("double")
          .reads("x")
          .writes("y")
          .update(
              (s, in) -> {
                Thread.sleep(ThreadLocalRandom.current().nextInt(0, 15));
                return s.update("y", s.getLong("x") * 2);
              });

  private static ParallelAction mapDouble(String name) {
    return MapStates.builder(name)
        .reads("xs")
        .writes("ys")
        .action(DOUBLE)
        .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
        .reduce((s, children) -> s.update("ys", children.stream().map(c -> c.get("y")).toList()))
        .build();
  }

  private static Application parentOf(Action action, State state) {
    return Application.builder()
        .withActions(action)
        .withEntrypoint(action.name())
        .withState(state)
        .withIdentifiers("parent", "pk")
        .build();
  }

  @Test
  void reduceReceivesChildStatesInTaskOrder() {
    List<Long> xs = List.of(9L, 1L, 8L, 2L, 7L, 3L, 6L, 4L, 5L, 0L);
    RunResult r = parentOf(mapDouble("map"), State.of("xs", xs)).run();
    assertThat(r.state().<Long>getList("ys"))
        .containsExactly(18L, 2L, 16L, 4L, 14L, 6L, 12L, 8L, 10L, 0L);
  }

  @Test
  void mapActionsRunsEverySubGraphOverOneState() {
    Action plus =
        Action.builder("plus")
            .reads("x")
            .writes("y")
            .update((s, in) -> s.update("y", s.getLong("x") + 1));
    Action times =
        Action.builder("times")
            .reads("x")
            .writes("y")
            .update((s, in) -> s.update("y", s.getLong("x") * 10));
    ParallelAction both =
        MapActions.builder("both")
            .reads("x")
            .writes("ys")
            .subGraphs(RunnableGraph.of(plus), RunnableGraph.of(times), RunnableGraph.of(DOUBLE))
            .reduce(
                (s, children) -> s.update("ys", children.stream().map(c -> c.get("y")).toList()))
            .build();
    assertThat(parentOf(both, State.of("x", 5)).run().state().<Long>getList("ys"))
        .containsExactly(6L, 50L, 10L);
  }

  @Test
  void mapActionsAndStatesRunsTheCartesianProductActionMajor() {
    Action plus =
        Action.builder("plus")
            .reads("x")
            .writes("y")
            .update((s, in) -> s.update("y", "plus(" + s.getLong("x") + ")"));
    Action neg =
        Action.builder("neg")
            .reads("x")
            .writes("y")
            .update((s, in) -> s.update("y", "neg(" + s.getLong("x") + ")"));
    ParallelAction product =
        MapActionsAndStates.builder("product")
            .reads("xs")
            .writes("ys")
            .subGraphs(RunnableGraph.of(plus), RunnableGraph.of(neg))
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) -> s.update("ys", children.stream().map(c -> c.get("y")).toList()))
            .build();
    assertThat(
            parentOf(product, State.of("xs", List.of(1, 2, 3))).run().state().<String>getList("ys"))
        .containsExactly("plus(1)", "plus(2)", "plus(3)", "neg(1)", "neg(2)", "neg(3)");
  }

  @Test
  void aTaskBasedParallelActionMapsAndReducesItsOwnTasks() {
    Graph countdown =
        Graph.builder()
            .withActions(
                Action.builder("down")
                    .reads("n")
                    .writes("n", "trail")
                    .update((s, in) -> s.append("trail", s.getLong("n")).increment("n", -1)))
            .withTransition("down", "down", Condition.expr("n > 0"))
            .build();
    ParallelAction countdowns =
        new TaskBasedParallelAction("countdowns") {
          @Override
          public List<String> reads() {
            return List.of("starts");
          }

          @Override
          public List<String> writes() {
            return List.of("trails");
          }

          @Override
          public List<SubGraphTask> tasks(
              State state, ActionContext context, Map<String, Object> inputs) {
            List<SubGraphTask> tasks = new ArrayList<>();
            for (Long n : state.<Long>getList("starts")) {
              tasks.add(
                  SubGraphTask.of(
                      context,
                      "from-" + n,
                      RunnableGraph.of(countdown, "down"),
                      State.of("n", n),
                      inputs));
            }
            return tasks;
          }

          @Override
          public State reduce(State state, List<State> childStates) {
            return state.update("trails", childStates.stream().map(c -> c.get("trail")).toList());
          }
        };
    RunResult r = parentOf(countdowns, State.of("starts", List.of(3, 1))).run();
    assertThat(r.state().get("trails")).isEqualTo(List.of(List.of(3L, 2L, 1L), List.of(1L)));
  }

  @Test
  void fullControlActionLaunchesAndJoinsItsOwnChildren() {
    Action fullControl =
        Action.builder("fan")
            .reads("xs")
            .writes("ys")
            .run(
                (state, inputs, ctx) -> {
                  List<Long> ys = new ArrayList<>();
                  List<Long> xs = state.getList("xs");
                  for (int i = 0; i < xs.size(); i++) {
                    Application child =
                        Application.builder()
                            .withActions(DOUBLE)
                            .withEntrypoint("double")
                            .withState(State.of("x", xs.get(i)))
                            .withIdentifiers(
                                ChildIds.of(ctx.appId(), ctx.sequenceId(), "child-" + i),
                                ctx.partitionKey())
                            .withSpawningParent(ctx.appId(), ctx.partitionKey(), ctx.sequenceId())
                            .withTracker(ctx.tracker() == null ? null : ctx.tracker().copy())
                            .build();
                    ys.add(child.run().state().getLong("y"));
                  }
                  State next = state.update("ys", ys);
                  return ActionOutcome.of(Map.of("ys", ys), next);
                });
    RunResult r = parentOf(fullControl, State.of("xs", List.of(4, 5))).run();
    assertThat(r.state().<Long>getList("ys")).containsExactly(8L, 10L);
  }

  @Test
  void childIdsAreDeterministicAndDependOnParentStepAndKey() {
    assertThat(ChildIds.of("p", 1, "s0")).isEqualTo(ChildIds.of("p", 1, "s0"));
    assertThat(ChildIds.of("p", 1, "s0")).isNotEqualTo(ChildIds.of("p", 2, "s0"));
    assertThat(ChildIds.of("p", 1, "s0")).isNotEqualTo(ChildIds.of("p", 1, "s1"));
    assertThat(ChildIds.of("p", 1, "s0")).isNotEqualTo(ChildIds.of("q", 1, "s0"));
    assertThat(ChildIds.of("ab", 1, "c")).isNotEqualTo(ChildIds.of("a", 1, "bc"));
    assertThat(ChildIds.of("p", 1, "s0"))
        .matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
  }

  @Test
  void aRerunOfTheSameStepFindsTheSameChildren() {
    Application a = parentOf(mapDouble("map"), State.of("xs", List.of(1, 2)));
    Application b = parentOf(mapDouble("map"), State.of("xs", List.of(1, 2)));
    assertThat(a.seam().parallelTasks(Map.of()).stream().map(SubGraphTask::appId).toList())
        .isEqualTo(b.seam().parallelTasks(Map.of()).stream().map(SubGraphTask::appId).toList())
        .doesNotHaveDuplicates();
  }

  @Test
  void aParallelActionInsideALoopGetsFreshChildrenEachTime() {
    InMemoryPersister persister = new InMemoryPersister();
    AtomicInteger childRuns = new AtomicInteger();
    Action add =
        Action.builder("add")
            .reads("x")
            .writes("y")
            .update(
                (s, in) -> {
                  childRuns.incrementAndGet();
                  return s.update("y", s.getLong("x") + 1);
                });
    ParallelAction step =
        MapStates.builder("step")
            .reads("xs")
            .writes("xs", "rounds")
            .action(add)
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) ->
                    s.update("xs", children.stream().map(c -> c.get("y")).toList())
                        .increment("rounds"))
            .build();
    Application app =
        Application.builder()
            .withActions(step)
            .withTransition("step", "step", Condition.expr("rounds < 3"))
            .withEntrypoint("step")
            .withState(State.of("xs", List.of(0, 10), "rounds", 0))
            .withIdentifiers("looping", "pk")
            .withPersister(persister)
            .build();
    RunResult r = app.run();
    // Three rounds each ran both children again: stale children from round one were not replayed.
    assertThat(r.state().<Long>getList("xs")).containsExactly(3L, 13L);
    assertThat(childRuns.get()).isEqualTo(6);
    assertThat(persister.listAppIds("pk")).hasSize(1 + 6);
  }

  @Test
  void childrenInheritThePartitionKeyAndCascadeACopyOfTheTracker(@TempDir Path dir)
      throws Exception {
    Application app =
        Application.builder()
            .withActions(mapDouble("map"))
            .withEntrypoint("map")
            .withState(State.of("xs", List.of(1, 2, 3)))
            .withIdentifiers("p", "tenant-7")
            .withTracker(new LocalFileTracker(dir))
            .build();
    List<String> childIds =
        app.seam().parallelTasks(Map.of()).stream().map(SubGraphTask::appId).toList();
    assertThat(app.seam().parallelTasks(Map.of()))
        .allSatisfy(
            t -> {
              assertThat(t.partitionKey()).isEqualTo("tenant-7");
              assertThat(t.parent().appId()).isEqualTo("p");
              assertThat(t.tracker()).isNotNull();
            });
    app.run();
    for (String id : childIds) {
      assertThat(dir.resolve(id).resolve("log.jsonl")).exists();
    }
  }

  @Test
  void cascadingCanBeTurnedOffOrReplacedPerAction(@TempDir Path dir) throws Exception {
    InMemoryPersister own = new InMemoryPersister();
    ParallelAction quiet =
        MapStates.builder("quiet")
            .reads("xs")
            .writes("ys")
            .action(DOUBLE)
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) -> s.update("ys", children.stream().map(c -> c.get("y")).toList()))
            .childTracker(Cascade.none())
            .childPersister(Cascade.replaceWith(own))
            .build();
    InMemoryPersister parents = new InMemoryPersister();
    Application app =
        Application.builder()
            .withActions(quiet)
            .withEntrypoint("quiet")
            .withState(State.of("xs", List.of(1, 2)))
            .withIdentifiers("p", "pk")
            .withTracker(new LocalFileTracker(dir))
            .withPersister(parents)
            .build();
    app.run();
    try (var dirs = Files.list(dir)) {
      assertThat(dirs.map(d -> d.getFileName().toString()).toList()).containsExactly("p");
    }
    assertThat(parents.listAppIds("pk")).containsExactly("p");
    assertThat(own.listAppIds("pk")).hasSize(2);
  }

  @Test
  void childrenReallyRunConcurrently() {
    int n = 8;
    CyclicBarrier allRunning = new CyclicBarrier(n);
    Action meet =
        Action.builder("meet")
            .reads("x")
            .writes("met")
            .update(
                (s, in) -> {
                  // Every child waits here until all n are inside at once: sequential children
                  // would time out.
                  allRunning.await(20, TimeUnit.SECONDS);
                  return s.update("met", true);
                });
    ParallelAction all =
        MapStates.builder("all")
            .reads("xs")
            .writes("count")
            .action(meet)
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) ->
                    s.update(
                        "count",
                        children.stream().filter(c -> Boolean.TRUE.equals(c.get("met"))).count()))
            .build();
    Application app =
        Application.builder()
            .withActions(all)
            .withEntrypoint("all")
            .withState(State.of("xs", List.of(0, 1, 2, 3, 4, 5, 6, 7)))
            .withParallelExecutor(new ThreadPoolParallelExecutor(n))
            .build();
    assertThat(app.run().state().get("count")).isEqualTo((long) n);
  }

  @Test
  void sleepingChildrenTakeAboutOneSleepNotNSleeps() {
    int n = 8;
    long sleepMs = 200;
    Action nap =
        Action.builder("nap")
            .reads("x")
            .writes("woke")
            .update(
                (s, in) -> {
                  Thread.sleep(sleepMs);
                  return s.update("woke", true);
                });
    ParallelAction naps =
        MapStates.builder("naps")
            .reads("xs")
            .writes("done")
            .action(nap)
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce((s, children) -> s.update("done", (long) children.size()))
            .build();
    Application app =
        Application.builder()
            .withActions(naps)
            .withEntrypoint("naps")
            .withState(State.of("xs", List.of(0, 1, 2, 3, 4, 5, 6, 7)))
            .build();
    long start = System.nanoTime();
    app.run();
    long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    long sequentialMs = n * sleepMs;
    // Loose by design: sequential would be 1600 ms; concurrent is ~200 ms. Half is a wide margin.
    assertThat(tookMs * 2)
        .as("took %d ms for %d children of %d ms", tookMs, n, sleepMs)
        .isLessThan(sequentialMs);
  }

  @Test
  void aFailingChildFailsTheStepWithItsErrorAndSiblingsKeepTheirCheckpoints() {
    InMemoryPersister persister = new InMemoryPersister();
    Action fragile =
        Action.builder("fragile")
            .reads("x")
            .writes("y")
            .update(
                (s, in) -> {
                  if (s.getLong("x") == 3) {
                    throw new IllegalStateException("cannot handle 3");
                  }
                  return s.update("y", s.getLong("x"));
                });
    ParallelAction map =
        MapStates.builder("map")
            .reads("xs")
            .writes("ys")
            .action(fragile)
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) -> s.update("ys", children.stream().map(c -> c.get("y")).toList()))
            .build();
    Application app =
        Application.builder()
            .withActions(map)
            .withEntrypoint("map")
            .withState(State.of("xs", List.of(1, 2, 3, 4)))
            .withIdentifiers("p", "pk")
            .withPersister(persister)
            .build();
    List<SubGraphTask> tasks = app.seam().parallelTasks(Map.of());
    assertThatThrownBy(app::run)
        .isInstanceOf(ActionFailedException.class)
        .hasMessageContaining("action 'map' failed")
        .hasMessageContaining("child 2 (app " + tasks.get(2).appId() + ")")
        .hasMessageContaining("action 'fragile' failed")
        .hasMessageContaining("cannot handle 3")
        .hasRootCauseInstanceOf(IllegalStateException.class);
    for (int i : new int[] {0, 1, 3}) {
      assertThat(persister.load("pk", tasks.get(i).appId()).orElseThrow().status())
          .isEqualTo(Status.COMPLETED);
    }
    assertThat(persister.load("pk", tasks.get(2).appId()).orElseThrow().status())
        .isEqualTo(Status.FAILED);
    PersistedState parent = persister.load("pk", "p").orElseThrow();
    assertThat(parent.status()).isEqualTo(Status.FAILED);
    assertThat(parent.position()).isEqualTo("map");
  }

  @Test
  void resumeAfterAChildFailureRunsOnlyTheFailedChildFromItsFailedAction() {
    InMemoryPersister persister = new InMemoryPersister();
    Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
    Set<Long> failOnce = ConcurrentHashMap.newKeySet();
    failOnce.add(2L);
    Action prepare =
        Action.builder("prepare")
            .reads("x")
            .writes("prepared")
            .update(
                (s, in) -> {
                  runs.computeIfAbsent("prepare-" + s.getLong("x"), k -> new AtomicInteger())
                      .incrementAndGet();
                  return s.update("prepared", true);
                });
    Action finish =
        Action.builder("finish")
            .reads("x")
            .writes("y")
            .update(
                (s, in) -> {
                  runs.computeIfAbsent("finish-" + s.getLong("x"), k -> new AtomicInteger())
                      .incrementAndGet();
                  if (failOnce.remove(s.getLong("x"))) {
                    throw new IllegalStateException("flaky");
                  }
                  return s.update("y", s.getLong("x") * 100);
                });
    Graph child =
        Graph.builder().withActions(prepare, finish).withTransition("prepare", "finish").build();
    ParallelAction map =
        MapStates.builder("map")
            .reads("xs")
            .writes("ys")
            .subGraph(RunnableGraph.of(child, "prepare", "finish"))
            .states((s, in) -> s.<Long>getList("xs").stream().map(x -> State.of("x", x)).toList())
            .reduce(
                (s, children) -> s.update("ys", children.stream().map(c -> c.get("y")).toList()))
            .build();
    Graph parent = Graph.builder().withActions(map).build();
    Supplier<Application> build =
        () ->
            Application.builder()
                .withGraph(parent)
                .withIdentifiers("resumable", "pk")
                .initializeFrom(persister, true, State.of("xs", List.of(1, 2, 3)), "map")
                .withPersister(persister)
                .build();

    assertThatThrownBy(() -> build.get().run()).hasMessageContaining("flaky");
    RunResult r = build.get().run();

    assertThat(r.state().<Long>getList("ys")).containsExactly(100L, 200L, 300L);
    assertThat(runs)
        .containsOnlyKeys(
            "prepare-1", "prepare-2", "prepare-3", "finish-1", "finish-2", "finish-3");
    assertThat(runs.get("prepare-1").get()).isEqualTo(1);
    assertThat(runs.get("prepare-2").get()).isEqualTo(1);
    assertThat(runs.get("prepare-3").get()).isEqualTo(1);
    assertThat(runs.get("finish-1").get()).isEqualTo(1);
    assertThat(runs.get("finish-2").get()).isEqualTo(2);
    assertThat(runs.get("finish-3").get()).isEqualTo(1);
  }

  @Test
  void nestedParallelActionsWork() {
    ParallelAction inner = mapDouble("inner");
    Graph innerGraph = Graph.builder().withActions(inner).build();
    ParallelAction outer =
        MapStates.builder("outer")
            .reads("groups")
            .writes("results")
            .subGraph(RunnableGraph.of(innerGraph, "inner", "inner"))
            .states(
                (s, in) ->
                    s.<List<Long>>getList("groups").stream().map(g -> State.of("xs", g)).toList())
            .reduce(
                (s, children) ->
                    s.update("results", children.stream().map(c -> c.get("ys")).toList()))
            .build();
    // A pool of 2 threads with 3 groups of 3: waiting parents must help run their children.
    Application app =
        Application.builder()
            .withActions(outer)
            .withEntrypoint("outer")
            .withState(
                State.of("groups", List.of(List.of(1, 2, 3), List.of(4, 5, 6), List.of(7, 8, 9))))
            .withParallelExecutor(new ThreadPoolParallelExecutor(2))
            .build();
    assertThat(app.run().state().get("results"))
        .isEqualTo(List.of(List.of(2L, 4L, 6L), List.of(8L, 10L, 12L), List.of(14L, 16L, 18L)));
  }

  @Test
  void theSeamMapsReducesAndContinuesLikeTheLocalRun() {
    Action after =
        Action.builder("after")
            .reads("ys")
            .writes("sum")
            .update(
                (s, in) ->
                    s.update(
                        "sum", s.<Long>getList("ys").stream().mapToLong(Long::longValue).sum()));
    Action before =
        Action.builder("before").writes("xs").update((s, in) -> s.update("xs", List.of(1, 2, 3)));
    Graph g =
        Graph.builder()
            .withActions(before, mapDouble("map"), after)
            .withTransition("before", "map")
            .withTransition("map", "after")
            .build();

    Application local =
        Application.builder()
            .withGraph(g)
            .withEntrypoint("before")
            .withIdentifiers("same", null)
            .build();
    State expected = local.run().state();

    Application first =
        Application.builder()
            .withGraph(g)
            .withEntrypoint("before")
            .withIdentifiers("same", null)
            .build();
    assertThat(first.seam().runUntilParallel(Halt.never(), a -> true, Map.of()))
        .isEqualTo(Seam.Stop.AT_PARALLEL);
    assertThat(first.priorAction()).isEqualTo("before");
    assertThat(first.seam().nextIsParallel()).isTrue();
    List<State> finals = new ArrayList<>();
    for (SubGraphTask t : first.seam().parallelTasks(Map.of())) {
      finals.add(
          Application.builder()
              .withGraph(t.graph().graph())
              .withEntrypoint(t.graph().entrypoint())
              .withState(t.state())
              .build()
              .run(Halt.after(t.graph().haltAfter().toArray(String[]::new)), t.inputs())
              .state());
    }
    Application elsewhere =
        Application.builder()
            .withGraph(g)
            .withIdentifiers("same", null)
            .withEntrypoint(first.nextAction())
            .withState(first.state())
            .build();
    elsewhere.seam().continueAt(first.nextSequenceId());
    assertThat(
            elsewhere
                .seam()
                .completeParallelStep(finals, List.of(), finals.size(), Halt.never(), Map.of()))
        .isEqualTo(Seam.Stop.CONTINUES);
    assertThat(elsewhere.run().state()).isEqualTo(expected);
  }

  @Test
  void aChildBuiltWithTheConstructorFromTheParentsStateStillRuns() {
    // The parent's previous action is named like the child's halt-after action: the parent's
    // __PRIOR_STEP must not make the fresh child look finished.
    Action last =
        Action.builder("final")
            .reads("x")
            .writes("x")
            .update((s, in) -> s.update("x", s.getLong("x") + 1));
    RunnableGraph child =
        RunnableGraph.of(Graph.builder().withActions(last).build(), "final", "final");
    ParallelAction fan =
        new TaskBasedParallelAction("fan") {
          @Override
          public List<String> reads() {
            return List.of("x");
          }

          @Override
          public List<String> writes() {
            return List.of("ys");
          }

          @Override
          public List<SubGraphTask> tasks(
              State state, ActionContext context, Map<String, Object> inputs) {
            return List.of(
                new SubGraphTask(
                    "only",
                    child,
                    state,
                    Map.of(),
                    "child-1",
                    null,
                    null,
                    null,
                    new InMemoryPersister()));
          }

          @Override
          public State reduce(State state, List<State> childStates) {
            return state.update("ys", childStates.stream().map(c -> c.get("x")).toList());
          }
        };
    State end =
        Application.builder()
            .withActions(last, fan)
            .withTransition("final", "fan")
            .withEntrypoint("final")
            .withState(State.of("x", 1))
            .build()
            .run()
            .state();

    assertThat(end.<Long>getList("ys")).containsExactly(3L); // parent 1 → 2, the child ran: 2 → 3
  }

  @Test
  void aResumedChildHaltedByATagIsNotRunPastItsHalt() {
    AtomicInteger afterRuns = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger(1);
    Action first =
        Action.builder("first")
            .reads("x")
            .writes("y")
            .tags("checkpoint")
            .update((s, in) -> s.update("y", s.getLong("x")));
    Action after =
        Action.builder("after")
            .reads("y")
            .writes("y")
            .update(
                (s, in) -> {
                  afterRuns.incrementAndGet();
                  return s.update("y", -1);
                });
    Action flaky =
        Action.builder("flaky")
            .reads("x")
            .writes("y")
            .update(
                (s, in) -> {
                  if (failures.getAndDecrement() > 0) {
                    throw new IllegalStateException("not yet");
                  }
                  return s.update("y", s.getLong("x"));
                });
    RunnableGraph tagged =
        RunnableGraph.of(
            Graph.builder().withActions(first, after).withTransition("first", "after").build(),
            "first",
            "@tag:checkpoint");
    ParallelAction both =
        MapActions.builder("both")
            .reads("x")
            .writes("ys")
            .subGraphs(tagged, RunnableGraph.of(flaky))
            .reduce(
                (s, children) -> s.update("ys", children.stream().map(c -> c.get("y")).toList()))
            .build();
    InMemoryPersister db = new InMemoryPersister();
    Supplier<Application> app =
        () ->
            Application.builder()
                .withActions(both)
                .withIdentifiers("parent", null)
                .withPersister(db)
                .initializeFrom(db, true, State.of("x", 7), "both")
                .build();

    assertThatThrownBy(() -> app.get().run()).isInstanceOf(ActionFailedException.class);
    State end = app.get().run().state();

    assertThat(end.<Long>getList("ys")).containsExactly(7L, 7L);
    assertThat(afterRuns)
        .as("the tagged child stopped after 'first', then and on resume")
        .hasValue(0);
  }

  @Test
  void aParallelActionDoesNotChangeWhenItsBuilderIsUsedAgain() {
    MapStates.Builder builder =
        MapStates.builder("squares")
            .reads("xs")
            .writes("ys")
            .action(DOUBLE)
            .states((s, in) -> List.of(State.of("x", 1)))
            .reduce((s, children) -> s.update("ys", List.of()));
    ParallelAction built = builder.build();
    builder.reads("other").writes("else").reduce((s, children) -> s.update("else", 1));

    assertThat(built.reads()).containsExactly("xs");
    assertThat(built.writes()).containsExactly("ys");
    assertThat(built.reduce(State.empty(), List.of()).has("ys")).isTrue();
  }

  @Test
  void mapActionsTakesPlainActionsAndAChildMayHaveAnExplicitId() {
    Action plusOne =
        Action.builder("plus_one")
            .reads("x")
            .writes("y")
            .update((s, in) -> s.update("y", s.getLong("x") + 1));
    Action timesTen =
        Action.builder("times_ten")
            .reads("x")
            .writes("y")
            .update((s, in) -> s.update("y", s.getLong("x") * 10));
    ParallelAction both =
        MapActions.builder("both")
            .reads("x")
            .writes("ys")
            .actions(plusOne, timesTen)
            .reduce(
                (s, children) -> s.update("ys", children.stream().map(c -> c.get("y")).toList()))
            .build();
    State end =
        Application.builder()
            .withActions(both)
            .withEntrypoint("both")
            .withState(State.of("x", 4))
            .build()
            .run()
            .state();
    assertThat(end.<Long>getList("ys")).containsExactly(5L, 40L);

    SubGraphTask named =
        new SubGraphTask(
                "k",
                RunnableGraph.of(plusOne),
                State.of("x", 1),
                Map.of(),
                "derived",
                null,
                null,
                null,
                null)
            .withAppId("my-child");
    assertThat(named.appId()).isEqualTo("my-child");
    assertThat(named.key()).isEqualTo("k");
  }
}
