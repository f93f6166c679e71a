package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bramble.client.ChunkSubscription;
import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.client.StreamedChunk;
import io.bramble.core.action.Action;
import io.bramble.core.action.ActionOutcome;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.schemas.avro.JobRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streams on the dev cluster: every step's partial results reach the client of the root job while
 * the step runs, in order per app, labelled by child, all of them before the job's result; a fast
 * stream is coalesced to at most one record per app and window.
 */
class StreamingDistributedTest {
  private static final Duration WAIT = Duration.ofMinutes(2);

  /** Child 0 of the talk job waits after its first word until the test has heard it. */
  private static final CountDownLatch HEARD = new CountDownLatch(1);

  @TempDir static Path dir;
  private static DevCluster cluster;
  private static JobClient client;

  /** Emits {@code words} words ("c<child> w<i> "), pausing {@code pauseMs} after each. */
  private static Action speak(boolean holdChild0, long pauseMs) {
    return Action.builder("speak")
        .reads("child", "words")
        .writes("text")
        .run(
            (s, in, ctx) -> {
              StringBuilder text = new StringBuilder();
              long child = s.getLong("child");
              for (long i = 0; i < s.getLong("words"); i++) {
                String word = "c" + child + " w" + i + " ";
                ctx.emit(word);
                text.append(word);
                if (i == 0 && child == 0 && holdChild0) {
                  if (!HEARD.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the client never heard the first word");
                  }
                }
                if (pauseMs > 0) {
                  Thread.sleep(pauseMs);
                }
              }
              return ActionOutcome.of(
                  Map.of("text", text.toString()), s.update("text", text.toString()));
            });
  }

  /** {@code intro} (the root streams too), then one speaking child per entry of {@code words}. */
  private static Graph talk(boolean holdChild0, long pauseMs) {
    Action intro =
        Action.builder("intro")
            .writes("intro")
            .run(
                (s, in, ctx) -> {
                  ctx.emit("hello ");
                  ctx.emit("children");
                  return ActionOutcome.of(Map.of(), s.update("intro", "hello children"));
                });
    Action fan =
        MapStates.builder("fan")
            .reads("words")
            .writes("texts")
            .subGraph(
                RunnableGraph.of(
                    Graph.builder().withActions(speak(holdChild0, pauseMs)).build(), "speak"))
            .states(
                (s, in) -> {
                  List<State> children = new ArrayList<>();
                  List<Long> words = s.getList("words");
                  for (int i = 0; i < words.size(); i++) {
                    children.add(State.of("child", (long) i, "words", words.get(i)));
                  }
                  return children;
                })
            .reduce(
                (s, children) ->
                    s.update("texts", children.stream().map(c -> c.getString("text")).toList()))
            .build();
    return Graph.builder().withActions(intro, fan).withTransition("intro", "fan").build();
  }

  @BeforeAll
  static void start() {
    cluster =
        DevCluster.start(
            dir,
            GraphRegistry.of(
                GraphProvider.of("talk", talk(true, 0), "intro"),
                GraphProvider.of("chatter", talk(false, 1), "intro")),
            2,
            4);
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    cluster.close();
  }

  @Test
  void everyChildsChunksReachTheRootsClientWhileItRunsInOrderAndLabelled() throws Exception {
    JobRequest job =
        JobClient.job("talk-1", "talk").state(State.of("words", List.of(5L, 3L, 4L))).build();
    List<StreamedChunk> heard = new CopyOnWriteArrayList<>();
    client.submit(job);
    JobResult result;
    try (ChunkSubscription stream =
        client.subscribe(
            job.getAppId(),
            job.getSubmittedAtMs(),
            c -> {
              heard.add(c);
              if (c.text().startsWith("c0 w0")) {
                HEARD.countDown();
              }
            })) {
      CompletableFuture<JobResult> pending = client.resultOf(job);
      // Child 0 is held after its first word until the test hears it: it came mid-step.
      await().atMost(WAIT).until(() -> HEARD.getCount() == 0);
      assertThat(pending).as("the job is still running when its chunk arrives").isNotDone();
      result = pending.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      stream.drain(WAIT);
    }
    assertThat(result.status()).as("error %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    List<String> texts = result.state().getList("texts");

    Map<String, List<StreamedChunk>> byLabel = new LinkedHashMap<>();
    heard.forEach(c -> byLabel.computeIfAbsent(c.label(), k -> new ArrayList<>()).add(c));
    assertThat(byLabel.keySet()).containsExactlyInAnyOrder("", "fan[0]", "fan[1]", "fan[2]");
    assertThat(joined(byLabel.get(""))).isEqualTo("hello children");
    assertThat(byLabel.get("")).allSatisfy(c -> assertThat(c.action()).isEqualTo("intro"));
    for (int i = 0; i < 3; i++) {
      List<StreamedChunk> child = byLabel.get("fan[" + i + "]");
      // in order: the chunks joined are the text the child ended with
      assertThat(joined(child)).isEqualTo(texts.get(i));
      assertThat(child)
          .allSatisfy(
              c -> {
                assertThat(c.rootAppId()).isEqualTo("talk-1");
                assertThat(c.parentAppId()).isEqualTo("talk-1");
                assertThat(c.action()).isEqualTo("speak");
                assertThat(c.attempt()).isEqualTo(1);
              });
      assertThat(child.stream().map(StreamedChunk::appId).distinct()).hasSize(1);
    }
  }

  @Test
  void aFastStreamIsCoalescedToOneRecordPerAppAndWindowAndLosesNothing() throws Exception {
    JobRequest job =
        JobClient.job("chatter-1", "chatter").state(State.of("words", List.of(300L))).build();
    List<StreamedChunk> heard = new CopyOnWriteArrayList<>();
    client.submit(job);
    JobResult result = client.awaitStreaming(job, WAIT, heard::add);
    assertThat(result.status()).as("error %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    List<StreamedChunk> child =
        heard.stream().filter(c -> c.label().equals("fan[0]")).collect(Collectors.toList());
    assertThat(joined(child)).isEqualTo(result.state().<String>getList("texts").get(0));
    // 300 emits at least 1 ms apart: a record per emit would be 300; the window allows far fewer
    assertThat(child).hasSizeLessThan(300 / 5);
    for (int i = 1; i < child.size() - 1; i++) {
      assertThat(child.get(i).emittedAtMs() - child.get(i - 1).emittedAtMs())
          .as("records %d and %d of one run", i - 1, i)
          .isGreaterThanOrEqualTo(45);
    }
  }

  private static String joined(List<StreamedChunk> chunks) {
    return chunks.stream().map(StreamedChunk::text).collect(Collectors.joining());
  }
}
