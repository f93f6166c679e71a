package io.bramble.schemas;

import io.bramble.schemas.avro.StoredRef;

/** Reads the bytes of a value kept in a value store, by its reference. */
@FunctionalInterface
public interface ValueFetcher {
  /** A process with no value store: reading a stored value fails, saying so. */
  ValueFetcher NONE =
      ref -> {
        throw new IllegalStateException(
            "the state value "
                + ref.getKey()
                + " ("
                + ref.getBytes()
                + " bytes) is kept in the "
                + ref.getStore()
                + " value store, which this process cannot read: it was given no value store");
      };

  byte[] fetch(StoredRef ref);
}
