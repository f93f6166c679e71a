package io.bramble.runtime.values;

import io.bramble.schemas.ValueFetcher;
import io.bramble.schemas.avro.StoredRef;
import java.util.Collection;
import java.util.Optional;

/**
 * Keeps state values too large to travel in every record, each once under a key of its job ({@code
 * <root app id>/<sha256>}), and reads them back by reference.
 */
public interface ValueStore extends ValueFetcher, AutoCloseable {
  /**
   * Stores {@code bytes} (whose SHA-256 is {@code sha256}) under {@code key}; the same content
   * stored again is the same value. Returns its reference, carrying {@code preview}.
   */
  StoredRef put(String key, byte[] bytes, String sha256, String preview);

  /**
   * The reference of a value this store wrote or read under {@code key} lately, if it knows one: a
   * value read from the store and put in a state again (a child's) is not stored twice.
   */
  Optional<StoredRef> known(String key);

  /** Removes the values of {@code refs} (a completed job's, that its result does not hold). */
  void delete(Collection<StoredRef> refs);

  @Override
  void close();
}
