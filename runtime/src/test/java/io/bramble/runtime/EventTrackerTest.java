package io.bramble.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.state.State;
import io.bramble.core.tracking.ApplicationEnd;
import io.bramble.core.tracking.ApplicationInfo;
import io.bramble.core.tracking.ModelCall;
import io.bramble.core.tracking.StepEnd;
import io.bramble.core.tracking.StepStart;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.NextInputs;
import io.bramble.schemas.avro.TrackingEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A worker's tracker reports a quick step by its end alone, and a slow one as it starts. */
class EventTrackerTest {
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<TrackingEvent> sent = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private EventTracker tracker(Duration startDelay) {
    return EventTracker.deferringStarts(
        "w1", "default", "g", "job", "fan[0]", sent::add, scheduler, startDelay);
  }

  private static StepStart start() {
    return new StepStart("app", null, 3, "tick", Map.of("n", 7L), State.empty(), 100);
  }

  private static StepEnd end() {
    return new StepEnd("app", null, 3, "tick", Map.of(), State.of("ticks", 1L), null, 100, 105);
  }

  @Test
  void aStepThatEndsBeforeTheDelayIsReportedByItsEndAloneWithItsInputs() {
    EventTracker t = tracker(Duration.ofHours(1));

    t.beforeStep(start());
    t.afterStep(end());

    assertThat(sent)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.getKind()).isEqualTo(EventKind.STEP_END);
              assertThat(StateCodec.toMap(e.getInputs())).containsEntry("n", 7L);
              assertThat(e.getStartedAtMs()).isEqualTo(100L);
              assertThat(e.getEndedAtMs()).isEqualTo(105L);
            });
  }

  @Test
  void aStepStillRunningAfterTheDelayIsReportedAsStartedThenEnded() throws Exception {
    EventTracker t = tracker(Duration.ofMillis(1));

    t.beforeStep(start());
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (sent.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(1);
    }
    t.afterStep(end());

    assertThat(sent)
        .extracting(TrackingEvent::getKind)
        .containsExactly(EventKind.STEP_START, EventKind.STEP_END);
    assertThat(StateCodec.toMap(sent.get(0).getInputs())).containsEntry("n", 7L);
    assertThat(sent.get(1).getInputs()).as("the start carried them").isNull();
  }

  @Test
  void withoutASchedulerEveryStartIsSentAtOnce() {
    EventTracker t = new EventTracker("w1", "g", "job", sent::add);

    t.beforeStep(start());

    assertThat(sent).extracting(TrackingEvent::getKind).containsExactly(EventKind.STEP_START);
  }

  @Test
  void aHaltedAppsEndNamesTheInputsItsResumeTakesAndAStepsEndItsModelCalls() {
    Graph graph =
        Graph.builder()
            .withActions(
                Action.builder("assess").reads().writes("n").update((st, in) -> st),
                Action.builder("approve")
                    .reads("n")
                    .writes("verdict")
                    .inputs("verdict")
                    .optionalInputs("note")
                    .update((st, in) -> st),
                Action.builder("file")
                    .reads("verdict")
                    .writes("filed")
                    .inputs("clerk")
                    .update((st, in) -> st))
            .withTransition("assess", "approve")
            .withTransition("approve", "file")
            .build();
    EventTracker t = tracker(Duration.ofHours(1));
    t.onApplicationCreated(new ApplicationInfo("app", null, graph, "assess", null, null));
    t.afterStep(
        new StepEnd(
            "app",
            null,
            0,
            "assess",
            Map.of(),
            State.empty(),
            null,
            100,
            105,
            List.of(new ModelCall("m", 12, 3, 40))));
    t.onApplicationEnded(
        new ApplicationEnd(
            "app", null, ApplicationEnd.Status.HALTED, 0L, "assess", "approve", null, 110));

    assertThat(sent.get(1).getModelCalls())
        .containsExactly(new io.bramble.schemas.avro.ModelCall("m", 12L, 3L, 40L));
    NextInputs next = sent.get(2).getNextInputs();
    assertThat(next.getAction()).isEqualTo("approve");
    assertThat(next.getRequired()).containsExactly("verdict");
    assertThat(next.getAccepted())
        .as("what approve and the actions after it take")
        .containsExactly("clerk", "note", "verdict");
  }
}
