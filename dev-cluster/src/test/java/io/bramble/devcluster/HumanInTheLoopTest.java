package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.client.ResumeRefusedException;
import io.bramble.core.application.Application;
import io.bramble.core.application.Halt;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.examples.approvals.Approvals;
import io.bramble.examples.poems.OfflinePoemModel;
import io.bramble.examples.poems.Poems;
import io.bramble.examples.registry.ApprovalsGraphProvider;
import io.bramble.examples.registry.CollatzGraphProvider;
import io.bramble.examples.registry.PoemsGraphProvider;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Distributed human-in-the-loop: a job that stops at a halt ends HALTED with its state and keeps
 * its checkpoints; a resume continues the same app id; a child that halts parks only itself, its
 * siblings finish and the parent's join waits until every paused child has been resumed.
 */
class HumanInTheLoopTest {
  private static final Duration WAIT = Duration.ofMinutes(2);

  @TempDir static Path dir;
  private static DevCluster cluster;
  private static JobClient client;

  @BeforeAll
  static void start() {
    cluster =
        DevCluster.start(
            dir,
            GraphRegistry.of(
                new PoemsGraphProvider(new OfflinePoemModel()),
                new ApprovalsGraphProvider(),
                new CollatzGraphProvider(),
                new TestGraphs.FanOut()),
            2,
            4);
    client = cluster.client();
  }

  @AfterAll
  static void stop() {
    client.close();
    cluster.close();
  }

  private static final Map<String, Object> POEM_INPUTS =
      Poems.inputs(List.of("haiku", "sonnet"), "the sea", 2);

  @Test
  void aHaltedJobEndsHaltedKeepsItsCheckpointsAndResumesToTheLocalRunsFinalState()
      throws Exception {
    JobRequest job =
        JobClient.job("poems-halted", "poems")
            .inputs(POEM_INPUTS)
            .haltBefore("generate_all_poems")
            .build();
    client.submit(job);
    JobResult halted = client.await(job, WAIT, null);

    assertThat(halted.status()).isEqualTo(JobStatus.HALTED);
    assertThat(halted.nextAction()).isEqualTo("generate_all_poems");
    assertThat(halted.waiting())
        .containsExactly(new JobResult.Waiting("poems-halted", "generate_all_poems", ""));
    assertThat(halted.state().getList("poem_types")).containsExactly("haiku", "sonnet");
    assertThat(keysOn(cluster.cluster().topics().checkpoints()))
        .as("a halted job keeps its checkpoints")
        .contains("poems-halted");

    JobClient.Resumed resumed = client.resume(JobClient.resumeOf("poems-halted").build(), WAIT);
    assertThat(resumed.rootAppId()).isEqualTo("poems-halted");
    assertThat(resumed.action()).isEqualTo("generate_all_poems");
    JobResult done = client.await(resumed, WAIT, null);

    assertThat(done.status()).as("error %s", done.error()).isEqualTo(JobStatus.COMPLETED);
    Application local = Poems.application(new OfflinePoemModel());
    local.run(Halt.before("generate_all_poems"), POEM_INPUTS);
    State expected = local.run(Map.of()).state();
    assertThat(done.state().userValues()).isEqualTo(expected.userValues());

    // One application: its step ids go on across the pause, each step once.
    List<Long> steps =
        events("poems-halted").stream()
            .filter(e -> e.getKind() == EventKind.STEP_END)
            .map(TrackingEvent::getSequenceId)
            .toList();
    assertThat(steps).containsExactly(0L, 1L, 2L);
  }

  @Test
  void aPauseAfterAReduceHaltsTheParentInFrontOfItsNextAction() throws Exception {
    JobRequest job =
        JobClient.job("approvals-summary", "approvals")
            .haltBefore("summarize")
            .inputs(Map.of("verdict", "approved"))
            .build();
    client.submit(job);
    JobResult halted = client.await(job, WAIT, null);
    assertThat(halted.status()).as("error %s", halted.error()).isEqualTo(JobStatus.HALTED);
    assertThat(halted.nextAction()).isEqualTo("summarize");
    assertThat(halted.state().getLong("approved_total")).isEqualTo(2870L);

    JobResult done =
        client.await(
            client.resume(JobClient.resumeOf("approvals-summary").build(), WAIT), WAIT, null);
    assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(done.state().getString("summary")).isEqualTo("5 requests, 2870 approved in total");
  }

  @Test
  void childrenThatPauseWaitForTheirOwnResumesWhileTheirSiblingsFinish() throws Exception {
    JobRequest job = JobClient.job("approvals-1", "approvals").haltBefore("approve").build();
    client.submit(job);
    JobResult first = client.await(job, WAIT, null);

    assertThat(first.status()).isEqualTo(JobStatus.HALTED);
    assertThat(first.nextAction()).isEqualTo(Approvals.ENTRYPOINT);
    assertThat(first.waiting()).hasSize(2).allMatch(w -> w.nextAction().equals("approve"));
    Map<String, String> byItem = childIdsByRequest("approvals-1");
    String laptop = byItem.get("laptop:900");
    String phone = byItem.get("phone:1100");
    assertThat(first.waiting().stream().map(JobResult.Waiting::appId))
        .containsExactlyInAnyOrder(laptop, phone);
    assertThat(endedCompleted("approvals-1"))
        .as("the three siblings under the limit finished")
        .containsExactlyInAnyOrderElementsOf(
            byItem.entrySet().stream()
                .filter(e -> !e.getValue().equals(laptop) && !e.getValue().equals(phone))
                .map(Map.Entry::getValue)
                .toList());

    // The parent itself is not halted: it waits for the two children.
    assertThatThrownBy(() -> client.resume(JobClient.resumeOf("approvals-1").build(), WAIT))
        .isInstanceOf(ResumeRefusedException.class)
        .hasMessageContaining("app approvals-1 is not halted itself: it waits for");

    // A misspelt input, or none, is refused (naming what approve takes): nothing is approved.
    assertThatThrownBy(
            () ->
                client.resume(
                    JobClient.resumeOf(laptop).inputs(Map.of("verdit", "rejected")).build(), WAIT))
        .isInstanceOf(ResumeRefusedException.class)
        .hasMessageContaining(
            "input 'verdit' is taken by no action from 'approve' on (they take: [verdict]");
    assertThatThrownBy(() -> client.resume(JobClient.resumeOf(laptop).build(), WAIT))
        .isInstanceOf(ResumeRefusedException.class)
        .hasMessageContaining(
            "action 'approve' requires input 'verdict', which the resume does not give");

    JobClient.Resumed one =
        client.resume(
            JobClient.resumeOf(laptop).inputs(Map.of("verdict", "rejected")).build(), WAIT);
    assertThat(one.rootAppId()).isEqualTo("approvals-1");
    JobResult second = client.await(one, WAIT, null);
    assertThat(second.status()).as("the phone still waits").isEqualTo(JobStatus.HALTED);
    assertThat(second.waiting())
        .containsExactly(new JobResult.Waiting(phone, "approve", "phone:1100"));

    JobClient.Resumed two =
        client.resume(
            JobClient.resumeOf(phone).inputs(Map.of("verdict", "approved")).build(), WAIT);
    JobResult done = client.await(two, WAIT, null);
    assertThat(done.status()).as("error %s", done.error()).isEqualTo(JobStatus.COMPLETED);
    State end = done.state();
    assertThat(end.getMap("decisions"))
        .containsExactly(
            Map.entry("laptop", "rejected"),
            Map.entry("chair", "auto-approved"),
            Map.entry("desk", "auto-approved"),
            Map.entry("monitor", "auto-approved"),
            Map.entry("phone", "approved"));
    assertThat(end.getLong("approved_total")).isEqualTo(120 + 450 + 300 + 1100L);
    assertThat(end.getString("summary")).isEqualTo("5 requests, 1970 approved in total");
  }

  @Test
  void aResumeOfAnAppThatIsNotHaltedIsRefusedNamingTheAppAndItsStatus() throws Exception {
    JobRequest collatz =
        JobClient.request("collatz-done", "collatz", State.of("from", 1, "to", 3), Map.of());
    client.submit(collatz);
    assertThat(client.await(collatz, WAIT, null).status()).isEqualTo(JobStatus.COMPLETED);
    assertThatThrownBy(() -> client.resume(JobClient.resumeOf("collatz-done").build(), WAIT))
        .isInstanceOf(ResumeRefusedException.class)
        .hasMessage("app collatz-done is completed, not halted");

    assertThatThrownBy(() -> client.resume(JobClient.resumeOf("no-such-app").build(), WAIT))
        .isInstanceOf(ResumeRefusedException.class)
        .hasMessageContaining("no halted app has id no-such-app");

    // Three steps of 400 ms in each child: still running when the resume arrives after it.
    JobRequest slow =
        JobClient.request("fanout-running", "fanout", State.of("n", 2, "sleep_ms", 400), Map.of());
    client.submit(slow);
    assertThatThrownBy(() -> client.resume(JobClient.resumeOf("fanout-running").build(), WAIT))
        .isInstanceOf(ResumeRefusedException.class)
        .hasMessage("app fanout-running is running, not halted");
    assertThat(client.await(slow, WAIT, null).status()).isEqualTo(JobStatus.COMPLETED);
  }

  @Test
  void theSameResumeDeliveredTwiceRunsOnceAndABadHaltIsRefused() throws Exception {
    JobRequest job =
        JobClient.job("approvals-twice", "approvals")
            .haltBefore("summarize")
            .inputs(Map.of("verdict", "approved"))
            .build();
    client.submit(job);
    assertThat(client.await(job, WAIT, null).status()).isEqualTo(JobStatus.HALTED);

    assertThatThrownBy(
            () ->
                client.resume(
                    JobClient.resumeOf("approvals-twice").haltBefore("sumarize").build(), WAIT))
        .isInstanceOf(ResumeRefusedException.class)
        .hasMessageContaining("halt before names 'sumarize'");

    JobRequest resume = JobClient.resumeOf("approvals-twice").build();
    JobClient.Resumed resumed = client.resume(resume, WAIT);
    client.submit(resume); // delivered again
    JobResult done = client.await(resumed, WAIT, null);
    assertThat(done.status()).isEqualTo(JobStatus.COMPLETED);
    List<TrackingEvent> events = events("approvals-twice");
    assertThat(events.stream().filter(e -> e.getKind() == EventKind.RESUMED)).hasSize(1);
    assertThat(
            events.stream()
                .filter(
                    e -> e.getKind() == EventKind.STEP_END && "summarize".equals(e.getAction())))
        .as("summarize ran once")
        .hasSize(1);
  }

  /** The app id of each child of {@code rootAppId}'s join, by the request it reviews. */
  private static Map<String, String> childIdsByRequest(String rootAppId) throws Exception {
    Map<String, String> byRequest = new java.util.LinkedHashMap<>();
    for (TrackingEvent e : events(null)) {
      if (e.getKind() == EventKind.STEP_END
          && "assess".equals(e.getAction())
          && rootAppId.equals(e.getRootAppId())) {
        State after = StateCodec.toState(e.getState());
        byRequest.put(after.getString("request"), e.getAppId());
      }
    }
    return byRequest;
  }

  /** Children of {@code rootAppId} whose application ended completed. */
  private static List<String> endedCompleted(String rootAppId) throws Exception {
    return events(null).stream()
        .filter(
            e ->
                e.getKind() == EventKind.APP_ENDED
                    && rootAppId.equals(e.getRootAppId())
                    && !rootAppId.equals(e.getAppId())
                    && e.getStatus() == io.bramble.schemas.avro.AppStatus.COMPLETED)
        .map(TrackingEvent::getAppId)
        .toList();
  }

  /** The events of app {@code appId} (null: every event), as the events topic has them. */
  private static List<TrackingEvent> events(String appId) {
    AvroSerde<TrackingEvent> serde = BrambleSerdes.forType(TrackingEvent.class, cluster.schemas());
    return TopicReader.readAll(cluster.cluster(), cluster.cluster().topics().events(), WAIT)
        .stream()
        .filter(r -> r.value() != null && (appId == null || appId.equals(r.key())))
        .flatMap(r -> TrackingEvents.unbatched(serde.deserialize(r.topic(), r.value())).stream())
        .toList();
  }

  private static List<String> keysOn(String topic) {
    return TopicReader.readAll(cluster.cluster(), topic, WAIT).stream()
        .filter(r -> r.value() != null)
        .map(r -> r.key())
        .toList();
  }
}
