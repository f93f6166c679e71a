package io.bramble.core.action;

import io.bramble.core.application.ActionFailedException;
import io.bramble.core.application.ApplicationException;
import io.bramble.core.graph.GraphException;
import io.bramble.core.parallel.ChildApplicationException;
import io.bramble.core.state.StateException;
import java.time.Duration;
import java.util.List;

/**
 * How often a failing step (or child application) is tried, how long to wait between tries, and
 * which exceptions are worth another try. Contract errors (undeclared writes, bad state values,
 * unevaluable conditions, misuse of the application) are never retried: they fail the same way
 * every time.
 */
public record RetryPolicy(
    int maxAttempts,
    Duration initialBackoff,
    double multiplier,
    Duration maxBackoff,
    List<Class<? extends Throwable>> retryOn) {

  private static final RetryPolicy NONE =
      new RetryPolicy(1, Duration.ZERO, 1, Duration.ZERO, List.of());

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
    }
    if (multiplier < 1) {
      throw new IllegalArgumentException("multiplier must be at least 1, got " + multiplier);
    }
    retryOn = List.copyOf(retryOn);
  }

  /** One attempt: failures are final. */
  public static RetryPolicy none() {
    return NONE;
  }

  /**
   * Up to {@code maxAttempts} tries on any exception, waiting 100 ms, then twice as long each time,
   * at most 5 s.
   */
  public static RetryPolicy attempts(int maxAttempts) {
    return new RetryPolicy(
        maxAttempts, Duration.ofMillis(100), 2, Duration.ofSeconds(5), List.of(Exception.class));
  }

  public RetryPolicy backoff(Duration initial, double multiplier, Duration max) {
    return new RetryPolicy(maxAttempts, initial, multiplier, max, retryOn);
  }

  @SafeVarargs
  public final RetryPolicy retryOn(Class<? extends Throwable>... types) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff, List.of(types));
  }

  /**
   * Whether a step that failed with {@code failure} on try number {@code attempt} (from 1) is tried
   * again.
   */
  public boolean retries(Throwable failure, int attempt) {
    if (attempt >= maxAttempts) {
      return false;
    }
    Throwable cause = unwrap(failure);
    if (cause instanceof ActionException
        || cause instanceof StateException
        || cause instanceof GraphException
        || cause instanceof ApplicationException) {
      return false;
    }
    for (Class<? extends Throwable> type : retryOn) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  /** The wait before try {@code attempt + 1}. */
  public Duration delayAfter(int attempt) {
    double millis = initialBackoff.toMillis() * Math.pow(multiplier, attempt - 1);
    return Duration.ofMillis((long) Math.min(millis, maxBackoff.toMillis()));
  }

  /** Sleeps for {@link #delayAfter}; an interrupt ends the wait and is kept. */
  public void pauseAfter(int attempt) {
    try {
      Thread.sleep(delayAfter(attempt).toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What user code threw, below the runtime's wrappers. */
  private static Throwable unwrap(Throwable t) {
    Throwable c = t;
    while ((c instanceof ActionFailedException || c instanceof ChildApplicationException)
        && c.getCause() != null) {
      c = c.getCause();
    }
    return c;
  }
}
