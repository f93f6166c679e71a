package io.bramble.client;

import io.bramble.core.state.State;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.ValueFetcher;
import java.time.Instant;
import java.util.List;

/**
 * How a job ended, as {@link JobClient} answers: its status, its final {@link State} (when halted,
 * the root's state as it stands; empty when it failed), why it failed, and when halted, the apps
 * that wait to be resumed. A value the job kept in the value store is read from it when its key is
 * read, through the client that answered, so while that client is open.
 *
 * @param submittedAt when the latest request of the job was made (its submission, or the resume
 *     this result answers)
 * @param steps steps of every application of the job's tree
 * @param nextAction when halted: the action the root stopped in front of (else null)
 */
public record JobResult(
    String appId,
    String graph,
    JobStatus status,
    State state,
    JobError error,
    Instant submittedAt,
    Instant finishedAt,
    long steps,
    String nextAction,
    List<Waiting> waiting) {

  /** An app of a halted job's tree that waits for a resume, in front of {@code nextAction}. */
  public record Waiting(String appId, String nextAction, String label) {}

  public JobResult {
    state = state == null ? State.empty() : state;
    waiting = List.copyOf(waiting);
  }

  public boolean completed() {
    return status == JobStatus.COMPLETED;
  }

  /**
   * A result as it travels on the job-results topic (for a reader of the topic of its own); its
   * state's stored values are read by {@code values} when their keys are read.
   */
  public static JobResult of(io.bramble.schemas.avro.JobResult wire, ValueFetcher values) {
    return new JobResult(
        wire.getAppId(),
        wire.getGraph(),
        JobStatus.valueOf(wire.getStatus().name()),
        wire.getState() == null ? State.empty() : StateCodec.toState(wire.getState(), values),
        wire.getError() == null
            ? null
            : new JobError(
                wire.getError().getType(),
                wire.getError().getMessage(),
                wire.getError().getAction(),
                wire.getError().getStackTrace()),
        Instant.ofEpochMilli(wire.getSubmittedAtMs()),
        Instant.ofEpochMilli(wire.getFinishedAtMs()),
        wire.getSteps(),
        wire.getNextAction(),
        wire.getWaiting().stream()
            .map(w -> new Waiting(w.getAppId(), w.getNextAction(), w.getLabel()))
            .toList());
  }

  @Override
  public String toString() {
    return "JobResult["
        + appId
        + " ("
        + graph
        + ") "
        + status
        + (error == null ? "" : ": " + error)
        + (nextAction == null ? "" : ", before " + nextAction)
        + ", state "
        + state
        + "]";
  }
}
