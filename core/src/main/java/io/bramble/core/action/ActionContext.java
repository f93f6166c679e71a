package io.bramble.core.action;

import io.bramble.core.parallel.ParallelExecutor;
import io.bramble.core.persistence.Persister;
import io.bramble.core.stream.Chunk;
import io.bramble.core.stream.ChunkListener;
import io.bramble.core.tracking.Tracker;
import java.util.function.BooleanSupplier;

/**
 * Where an action runs: the application's identity, the step's sequence id and which try of it this
 * is ({@code attempt}, 1 for the first; its retry policy's later tries count on), with the tracker,
 * persister and parallel executor an action needs to launch its own sub-applications (the "full
 * control" level of parallelism), where its partial results go ({@link #emit}), and whether its
 * application was cancelled while the step runs ({@link #isCancelled}). Tracker and persister may
 * be null.
 */
public record ActionContext(
    String appId,
    String partitionKey,
    long sequenceId,
    int attempt,
    String actionName,
    Tracker tracker,
    Persister persister,
    ParallelExecutor parallelExecutor,
    ChunkListener chunks,
    BooleanSupplier cancellation) {

  private static final BooleanSupplier NEVER = () -> false;

  public ActionContext {
    chunks = chunks == null ? ChunkListener.NONE : chunks;
    cancellation = cancellation == null ? NEVER : cancellation;
  }

  /** A context whose application is never cancelled. */
  public ActionContext(
      String appId,
      String partitionKey,
      long sequenceId,
      int attempt,
      String actionName,
      Tracker tracker,
      Persister persister,
      ParallelExecutor parallelExecutor,
      ChunkListener chunks) {
    this(
        appId,
        partitionKey,
        sequenceId,
        attempt,
        actionName,
        tracker,
        persister,
        parallelExecutor,
        chunks,
        NEVER);
  }

  /**
   * Whether this step's application was cancelled (its job, by a client) since the step began: the
   * step's result will not be used, so a long step (a model call, a poll) may stop early, returning
   * or throwing. The application itself stops before its next step whatever the step does.
   */
  public boolean isCancelled() {
    return cancellation.getAsBoolean();
  }

  /**
   * Emits a partial result of this step (a model's tokens, a line of progress) to whoever follows
   * the application: it arrives before the step's result. Text only; emit as often as it comes, the
   * distributed runtime coalesces.
   */
  public void emit(String text) {
    if (text != null && !text.isEmpty()) {
      chunks.onChunk(new Chunk(appId, null, "", actionName, sequenceId, attempt, text));
    }
  }

  /**
   * A key for this try of this step, {@code appId/sequenceId/attempt}: hand it to a service that
   * deduplicates (a payment, an email, a model call billed per request) so a side effect is not
   * made twice. It is the same when the step runs again after a crash (it resumes at the same
   * sequence id, and its tries count from 1 again), on any worker; each retry of the retry policy
   * gets its own. An action that wants one key across its retries uses {@code appId} and {@code
   * sequenceId}.
   */
  public String idempotencyKey() {
    return appId + "/" + sequenceId + "/" + attempt;
  }
}
