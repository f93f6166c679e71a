package io.bramble.coordinator;

import io.bramble.schemas.avro.StateData;
import io.bramble.schemas.avro.StoredRef;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Removes the values a job that ended kept in the value store (those its result does not hold). The
 * coordinator decides when; the store does it, off the stream thread: a removal repeated after a
 * restart removes nothing more.
 */
@FunctionalInterface
interface ValueCleanup {
  ValueCleanup NONE = (rootAppId, values) -> {};

  void remove(String rootAppId, List<StoredRef> values);

  /** Removes {@code values}, when there are any. */
  default void removeAny(String rootAppId, List<StoredRef> values) {
    if (!values.isEmpty()) {
      remove(rootAppId, values);
    }
  }

  /** The keys of the stored values {@code state} holds (none for null). */
  static Set<String> heldBy(StateData state) {
    if (state == null) {
      return Set.of();
    }
    return state.getEntries().stream()
        .map(e -> e.getValue().getValue())
        .filter(StoredRef.class::isInstance)
        .map(v -> ((StoredRef) v).getKey())
        .collect(Collectors.toSet());
  }
}
