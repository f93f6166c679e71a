package io.bramble.core.persistence;

import io.bramble.core.state.State;
import java.util.List;
import java.util.Optional;

/**
 * Saves an application's state after every step and loads it back to resume or fork. The partition
 * key groups applications (a user, a tenant); it may be null.
 */
public interface Persister {
  void save(
      String partitionKey,
      String appId,
      long sequenceId,
      String position,
      State state,
      Status status);

  /** The step saved with {@code sequenceId}, or the latest one when it is null. */
  Optional<PersistedState> load(String partitionKey, String appId, Long sequenceId);

  default Optional<PersistedState> load(String partitionKey, String appId) {
    return load(partitionKey, appId, null);
  }

  /** App ids saved under {@code partitionKey}, oldest first. */
  List<String> listAppIds(String partitionKey);

  /**
   * A persister for a child application, writing to the same storage. Persisters that hold a
   * per-thread resource return a fresh handle here; the default shares this one.
   */
  default Persister copy() {
    return this;
  }
}
