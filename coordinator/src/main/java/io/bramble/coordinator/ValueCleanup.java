package io.bramble.coordinator;

import io.bramble.schemas.avro.StoredRef;
import java.util.List;

/**
 * Removes the values a completed job kept in the value store (those its result does not hold). The
 * coordinator decides when; the store does it, off the stream thread: a removal repeated after a
 * restart removes nothing more.
 */
@FunctionalInterface
interface ValueCleanup {
  ValueCleanup NONE = (rootAppId, values) -> {};

  void remove(String rootAppId, List<StoredRef> values);
}
