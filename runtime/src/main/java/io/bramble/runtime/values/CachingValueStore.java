package io.bramble.runtime.values;

import io.bramble.schemas.avro.StoredRef;
import java.util.Optional;

/**
 * What every value store does around its reads and writes: values written or read lately are kept
 * in a small cache (the children of one fan-out on one worker read their shared document once), and
 * so are their references (a value read and put in a child's state again is not stored twice).
 */
abstract class CachingValueStore implements ValueStore {
  private final ValueCache cache = new ValueCache(64L * 1024 * 1024);
  private final String kind;

  CachingValueStore(String kind) {
    this.kind = kind;
  }

  /** Writes {@code bytes} under {@code key}; returns where they are (the reference's locator). */
  abstract String write(String key, byte[] bytes);

  /** Reads the bytes of {@code ref}. */
  abstract byte[] read(StoredRef ref);

  /** Refuses a reference to another kind of store than this one, naming both. */
  final void checkKind(StoredRef ref) {
    if (!kind.equals(ref.getStore())) {
      throw new IllegalStateException(
          "the stored value "
              + ref.getKey()
              + " is in the "
              + ref.getStore()
              + " value store, but this process keeps values in the "
              + kind
              + " store (BRAMBLE_VALUES_STORE): every process of a cluster needs the same one");
    }
  }

  @Override
  public final StoredRef put(String key, byte[] bytes, String sha256, String preview) {
    String locator = write(key, bytes);
    cache.put(sha256, bytes);
    StoredRef ref =
        StoredRef.newBuilder()
            .setStore(kind)
            .setKey(key)
            .setBytes(bytes.length)
            .setSha256(sha256)
            .setPreview(preview)
            .setLocator(locator)
            .build();
    cache.remember(ref);
    return ref;
  }

  @Override
  public final Optional<StoredRef> known(String key) {
    return cache.known(key);
  }

  @Override
  public final byte[] fetch(StoredRef ref) {
    checkKind(ref);
    cache.remember(ref);
    byte[] cached = cache.get(ref.getSha256());
    if (cached != null) {
      return cached;
    }
    byte[] bytes = read(ref);
    cache.put(ref.getSha256(), bytes);
    return bytes;
  }
}
