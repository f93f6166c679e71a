package io.bramble.core.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.action.Action;
import io.bramble.core.action.RetryPolicy;
import io.bramble.core.action.StreamingAction;
import io.bramble.core.application.Application;
import io.bramble.core.application.Halt;
import io.bramble.core.application.RunResult;
import io.bramble.core.application.StreamingRun;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.core.state.State;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Partial results of running actions, locally: a run's own steps and its children's. */
class StreamingTest {

  /** Writes "word1 word2 …", emitting each word as it goes. */
  static final class Words extends StreamingAction {
    private final CountDownLatch after1stWord;

    Words(CountDownLatch after1stWord) {
      super("words");
      this.after1stWord = after1stWord;
    }

    @Override
    public List<String> reads() {
      return List.of("n");
    }

    @Override
    public List<String> writes() {
      return List.of("text");
    }

    @Override
    protected Map<String, Object> run(State state, Map<String, Object> inputs, Consumer<String> out)
        throws Exception {
      StringBuilder text = new StringBuilder();
      for (int i = 1; i <= state.getLong("n"); i++) {
        String word = (i > 1 ? " " : "") + "word" + i;
        out.accept(word);
        text.append(word);
        if (i == 1 && after1stWord != null) {
          assertThat(after1stWord.await(10, TimeUnit.SECONDS)).isTrue();
        }
      }
      return Map.of("text", text.toString());
    }

    @Override
    protected State update(Map<String, Object> result, State state) {
      return state.update("text", result.get("text"));
    }
  }

  private static Application words(long n, CountDownLatch after1stWord) {
    return Application.builder()
        .withActions(new Words(after1stWord))
        .withEntrypoint("words")
        .withIdentifiers("app-1", null)
        .withState(State.of("n", n))
        .build();
  }

  @Test
  void aStepsChunksArriveWhileItRunsThenItsResult() {
    CountDownLatch release = new CountDownLatch(1);
    StreamingRun run = words(3, release).stream(Halt.never(), Map.of());
    Iterator<Chunk> chunks = run.iterator();
    // The step is held after its first word until the test has read it: it came before the end.
    assertThat(chunks.next()).isEqualTo(new Chunk("app-1", null, "", "words", 0, 1, "word1"));
    release.countDown();
    List<String> rest = new ArrayList<>();
    chunks.forEachRemaining(c -> rest.add(c.text()));
    assertThat(rest).containsExactly(" word2", " word3");
    RunResult result = run.result();
    assertThat(result.action()).isEqualTo("words");
    assertThat(result.state().getString("text")).isEqualTo("word1 word2 word3");
  }

  @Test
  void aCallbackHearsTheSameChunksAndTheApplicationStreamsNothingAfterwards() {
    Application app = words(2, null);
    List<String> heard = new CopyOnWriteArrayList<>();
    app.run(Halt.never(), Map.of(), c -> heard.add(c.text()));
    assertThat(heard).containsExactly("word1", " word2");
  }

  @Test
  void childrenStreamLabelledInOrderPerChildAndNestedLabelsCompose() {
    RunnableGraph inner =
        RunnableGraph.of(Graph.builder().withActions(new Words(null)).build(), "words");
    Action innerFanOut =
        MapStates.builder("inner")
            .reads("n")
            .writes("texts")
            .subGraph(inner)
            .states((s, in) -> List.of(State.of("n", 2L), State.of("n", 3L)))
            .reduce(
                (s, children) ->
                    s.update("texts", children.stream().map(c -> c.getString("text")).toList()))
            .build();
    RunnableGraph middle =
        RunnableGraph.of(Graph.builder().withActions(innerFanOut).build(), "inner");
    Action outer =
        MapStates.builder("outer")
            .reads("children")
            .writes("all")
            .subGraph(middle)
            .states(
                (s, in) ->
                    java.util.stream.LongStream.range(0, s.getLong("children"))
                        .mapToObj(i -> State.of("n", i))
                        .toList())
            .reduce((s, children) -> s.update("all", (long) children.size()))
            .build();
    Map<String, List<Chunk>> byLabel = new LinkedHashMap<>();
    try (ThreadPoolParallelExecutor threads = new ThreadPoolParallelExecutor(8)) {
      Application root =
          Application.builder()
              .withActions(outer)
              .withEntrypoint("outer")
              .withIdentifiers("root", null)
              .withState(State.of("children", 3L))
              .withParallelExecutor(threads)
              .build();
      for (Chunk c : root.stream(Halt.never(), Map.of())) {
        byLabel.computeIfAbsent(c.label(), k -> new ArrayList<>()).add(c);
      }
    }
    assertThat(byLabel.keySet())
        .containsExactlyInAnyOrder(
            "outer[0]/inner[0]",
            "outer[0]/inner[1]",
            "outer[1]/inner[0]",
            "outer[1]/inner[1]",
            "outer[2]/inner[0]",
            "outer[2]/inner[1]");
    for (int i = 0; i < 3; i++) {
      assertThat(texts(byLabel.get("outer[" + i + "]/inner[0]")))
          .containsExactly("word1", " word2");
      assertThat(texts(byLabel.get("outer[" + i + "]/inner[1]")))
          .containsExactly("word1", " word2", " word3");
      // a grandchild's parent is its middle app, whose own parent is the root
      List<Chunk> grandchild = byLabel.get("outer[" + i + "]/inner[1]");
      assertThat(grandchild).extracting(Chunk::appId).containsOnly(grandchild.get(0).appId());
      assertThat(grandchild.get(0).parentAppId()).isNotIn("root", grandchild.get(0).appId());
    }
  }

  @Test
  void aRetriedStepStreamsAgainUnderItsNextAttempt() {
    AtomicInteger tries = new AtomicInteger();
    Action flaky =
        Action.builder("flaky")
            .writes("done")
            .retry(RetryPolicy.attempts(2))
            .run(
                (s, in, ctx) -> {
                  ctx.emit("try " + tries.incrementAndGet());
                  if (tries.get() == 1) {
                    throw new IllegalStateException("the model timed out");
                  }
                  return io.bramble.core.action.ActionOutcome.of(
                      Map.of("done", true), s.update("done", true));
                });
    List<Chunk> heard = new CopyOnWriteArrayList<>();
    Application.builder()
        .withActions(flaky)
        .withEntrypoint("flaky")
        .build()
        .run(Halt.never(), Map.of(), heard::add);
    assertThat(heard).extracting(Chunk::attempt).containsExactly(1, 2);
    assertThat(heard).extracting(Chunk::text).containsExactly("try 1", "try 2");
  }

  private static List<String> texts(List<Chunk> chunks) {
    return chunks.stream().map(Chunk::text).toList();
  }
}
