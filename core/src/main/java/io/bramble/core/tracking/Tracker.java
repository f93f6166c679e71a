package io.bramble.core.tracking;

/**
 * A hook that records what an application did. Parallel actions hand each child a {@link #copy()}
 * unless told otherwise.
 */
public interface Tracker extends LifecycleHook {
  /** A tracker for a child application writing to the same place. */
  default Tracker copy() {
    return this;
  }
}
