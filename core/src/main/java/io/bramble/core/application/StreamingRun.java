package io.bramble.core.application;

import io.bramble.core.stream.Chunk;
import io.bramble.core.stream.ChunkListener;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A run on a thread of its own ({@link Application#stream}): iterate it for the partial results of
 * its steps as they are emitted (the iteration ends with the run), then {@link #result()} for where
 * the run stopped. Chunks are queued, never dropped, so a slow reader does not hold up the actions.
 */
public final class StreamingRun implements Iterable<Chunk> {
  /** What the queue holds after the last chunk. */
  private static final Object END = new Object();

  private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
  private final CompletableFuture<RunResult> result = new CompletableFuture<>();
  private boolean iterated;

  private StreamingRun() {}

  static StreamingRun start(String appId, Function<ChunkListener, RunResult> run) {
    StreamingRun s = new StreamingRun();
    Thread t =
        new Thread(
            () -> {
              try {
                s.result.complete(run.apply(s.queue::add));
              } catch (Throwable e) {
                s.result.completeExceptionally(e);
              } finally {
                s.queue.add(END);
              }
            },
            "bramble-stream-" + appId);
    t.setDaemon(true);
    t.start();
    return s;
  }

  /** The chunks, as they come; iterate once. */
  @Override
  public synchronized Iterator<Chunk> iterator() {
    if (iterated) {
      throw new IllegalStateException("a streaming run's chunks can be iterated once");
    }
    iterated = true;
    return new Iterator<>() {
      private Object head;

      @Override
      public boolean hasNext() {
        if (head == null) {
          try {
            head = queue.take();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a chunk", e);
          }
        }
        return head != END;
      }

      @Override
      public Chunk next() {
        if (!hasNext()) {
          throw new NoSuchElementException("the run has ended");
        }
        Chunk c = (Chunk) head;
        head = null;
        return c;
      }
    };
  }

  public Stream<Chunk> chunks() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
  }

  /**
   * Waits for the run's end: where it stopped, or the failure it ended with (an {@link
   * ActionFailedException} for a failed step), thrown as the run threw it.
   */
  public RunResult result() {
    try {
      return result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the run", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }
}
