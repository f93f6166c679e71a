package io.bramble.coordinator;

import java.time.Duration;

/**
 * The keys of {@link StoreNames#JOIN_DEADLINES}: a join's deadline (epoch millis, zero-padded so
 * keys sort by time) and its id, so the joins due by a moment are one range of the store.
 */
final class JoinDeadlines {
  /** How often the coordinator looks for children past their join's deadline. */
  static final Duration CHECK_EVERY = Duration.ofSeconds(1);

  private JoinDeadlines() {}

  static String key(long deadlineMs, String joinId) {
    return String.format("%013d/%s", deadlineMs, joinId);
  }
}
