package io.bramble.core.application;

import io.bramble.core.parallel.ChildTimedOutException;
import io.bramble.core.parallel.JoinPolicy;
import io.bramble.core.parallel.ParallelAction;
import io.bramble.core.tracking.LifecycleHook;
import io.bramble.core.tracking.StepStart;
import java.time.Duration;
import java.util.Optional;

/**
 * One parallel step's join on local threads: counts the children as they end, under the action's
 * {@link JoinPolicy} and child timeout, and stops the others at their next step boundary once the
 * join is over or their time is up.
 */
final class LocalJoin {
  /** Thrown at a cancelled child's next step boundary; the child then reports nothing. */
  static final class Cancelled extends RuntimeException {
    Cancelled(String appId) {
      super(
          "child " + appId + " was cancelled: its parallel step's join is over",
          null,
          false,
          false);
    }
  }

  private final ParallelAction parallel;
  private final JoinPolicy policy;
  private final int children;
  private final Optional<Duration> timeout;
  private final long deadlineNanos;
  private int completed;
  private int failed;
  private volatile boolean over;

  LocalJoin(ParallelAction parallel, int children) {
    this.parallel = parallel;
    this.policy = parallel.joinPolicy();
    this.children = children;
    this.timeout = parallel.childTimeout();
    this.deadlineNanos = timeout.map(t -> System.nanoTime() + t.toNanos()).orElse(Long.MAX_VALUE);
    this.over = policy.isOver(0, 0, children);
  }

  boolean isOver() {
    return over;
  }

  boolean pastDeadline() {
    return System.nanoTime() > deadlineNanos;
  }

  ChildTimedOutException timedOut(String appId) {
    return new ChildTimedOutException(appId, parallel.name(), timeout.orElseThrow());
  }

  /** A child completed; false if the join was over already (what it reports does not count). */
  synchronized boolean completed() {
    if (over) {
      return false;
    }
    completed++;
    over = policy.isOver(completed, failed, children);
    return true;
  }

  /** A child failed; false if the join was over already. */
  synchronized boolean failed() {
    if (over) {
      return false;
    }
    failed++;
    over = policy.isOver(completed, failed, children);
    return true;
  }

  /** Stops a child before a step once the join is over (cancelled) or its time is up. */
  LifecycleHook boundary() {
    return new LifecycleHook() {
      @Override
      public void beforeStep(StepStart step) {
        if (over) {
          throw new Cancelled(step.appId());
        }
        if (pastDeadline()) {
          throw timedOut(step.appId());
        }
      }
    };
  }
}
