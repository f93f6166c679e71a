package io.bramble.core.tracking;

import java.util.ArrayList;
import java.util.List;

/**
 * The model calls of the step running on this thread: a model client ({@code bramble-llm}'s, or one
 * of your own) {@linkplain #record records} each call, and the step engine hands them to its {@link
 * StepEnd}. A call made on another thread than its step's, or outside any step, is not counted.
 */
public final class ModelCalls {
  private static final ThreadLocal<Recording> CURRENT = new ThreadLocal<>();

  private ModelCalls() {}

  /** Adds {@code call} to the step running on this thread, if any. */
  public static void record(ModelCall call) {
    Recording recording = CURRENT.get();
    if (recording != null) {
      recording.calls.add(call);
    }
  }

  /**
   * Starts recording this thread's calls until {@link Recording#close()}, which restores the
   * recording it replaced (a step that runs a child application inline on its own thread).
   */
  public static Recording start() {
    Recording recording = new Recording(CURRENT.get());
    CURRENT.set(recording);
    return recording;
  }

  /** The calls of one step, in the order they were made. */
  public static final class Recording implements AutoCloseable {
    private final Recording replaced;
    private final List<ModelCall> calls = new ArrayList<>();

    private Recording(Recording replaced) {
      this.replaced = replaced;
    }

    public List<ModelCall> calls() {
      return List.copyOf(calls);
    }

    @Override
    public void close() {
      if (replaced == null) {
        CURRENT.remove();
      } else {
        CURRENT.set(replaced);
      }
    }
  }
}
