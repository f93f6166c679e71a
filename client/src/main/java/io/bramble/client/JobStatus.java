package io.bramble.client;

/** How a job ended, or that it waits for a person ({@link #HALTED}). */
public enum JobStatus {
  COMPLETED,
  FAILED,
  /** An app of its tree paused at a halt and waits to be resumed; the job goes on after that. */
  HALTED,
  /** Cancelled at a client's request: its whole tree stopped at its next step boundaries. */
  CANCELLED
}
