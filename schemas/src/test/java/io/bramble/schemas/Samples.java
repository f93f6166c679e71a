package io.bramble.schemas;

import io.bramble.core.state.State;
import io.bramble.core.state.StateInternals;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.CheckpointStatus;
import io.bramble.schemas.avro.ErrorInfo;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.ParentRef;
import io.bramble.schemas.avro.ResultStatus;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.avro.TrackingEvent;
import java.util.List;
import java.util.Map;

/** One realistic instance of every message. */
public final class Samples {
  private Samples() {}

  public static final State STATE =
      StateInternals.withInternal(
          State.of(
              "topic",
              "the sea",
              "drafts",
              List.of("draft one"),
              "meta",
              Map.of("model", "gpt", "temperature", 0.7)),
          State.SEQUENCE_ID,
          3L);

  public static ParentRef parentRef() {
    return new ParentRef("poems-1", 4L, "poems-1/4", 1, 3);
  }

  public static Task task() {
    return Task.newBuilder()
        .setTaskId("t-42")
        .setAppId("poems-1-child-1")
        .setGraph("poems")
        .setGraphVersion("1")
        .setPartitionKey("user-7")
        .setRootAppId("poems-1")
        .setPosition("edit")
        .setSequenceId(5L)
        .setState(StateCodec.toAvro(STATE))
        .setInputs(StateCodec.fromMap(Map.of("feedback", "shorter")))
        .setHaltBefore(List.of())
        .setHaltAfter(List.of("final"))
        .setParent(parentRef())
        .setSubGraph("write_poems#1")
        .setAttempt(0)
        .build();
  }

  public static JobRequest jobRequest() {
    return JobRequest.newBuilder()
        .setAppId("poems-1")
        .setGraph("poems")
        .setState(StateCodec.toAvro(State.of("topic", "the sea")))
        .setInputs(StateCodec.fromMap(Map.of("max_drafts", 2L)))
        .setHaltAfter(List.of("final"))
        .setSubmittedAtMs(1_700_000_000_000L)
        .build();
  }

  public static FanOut fanOut() {
    return FanOut.newBuilder()
        .setParentAppId("poems-1")
        .setParentSequenceId(4L)
        .setJoinId("poems-1/4")
        .setGraph("poems")
        .setRootAppId("poems-1")
        .setParallelAction("write_poems")
        .setParentState(StateCodec.toAvro(STATE))
        .setChildren(List.of(task(), task()))
        .build();
  }

  public static TaskResult taskResult() {
    return TaskResult.newBuilder()
        .setAppId("poems-1-child-1")
        .setTaskId("t-42")
        .setStatus(ResultStatus.FAILED)
        .setError(
            new ErrorInfo("java.lang.IllegalStateException", "boom", "at x.y(Z.java:1)", "edit"))
        .setParent(parentRef())
        .setSequenceId(6L)
        .setLastAction("edit")
        .setFinishedAtMs(1_700_000_000_500L)
        .build();
  }

  public static Checkpoint checkpoint() {
    return Checkpoint.newBuilder()
        .setAppId("poems-1")
        .setPartitionKey("user-7")
        .setSequenceId(3L)
        .setPosition("write")
        .setState(StateCodec.toAvro(STATE))
        .setStatus(CheckpointStatus.COMPLETED)
        .setWrittenAtMs(1_700_000_000_100L)
        .build();
  }

  public static JobResult jobResult() {
    return JobResult.newBuilder()
        .setAppId("poems-1")
        .setGraph("poems")
        .setStatus(JobStatus.COMPLETED)
        .setState(StateCodec.toAvro(STATE))
        .setSubmittedAtMs(1L)
        .setFinishedAtMs(2L)
        .setSteps(12L)
        .build();
  }

  public static TrackingEvent event() {
    return TrackingEvent.newBuilder()
        .setAppId("poems-1-child-1")
        .setKind(EventKind.SPAWN)
        .setParentAppId("poems-1")
        .setParentSequenceId(4L)
        .setPayload(StateCodec.fromMap(Map.of("childIndex", 1L)))
        .setTimestampMs(1_700_000_000_000L)
        .setWorkerId("worker-a")
        .build();
  }
}
