package io.bramble.schemas;

import io.bramble.core.state.DeferredValue;
import io.bramble.schemas.avro.StoredRef;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A state value kept in a value store ({@link StoredRef}): read through its {@link ValueFetcher}
 * the first time a step reads its key, then held; checked against its SHA-256 when read. Encoded
 * again, it is its reference, so a value passed on (to a child, to the next step) is never read and
 * never stored twice.
 */
public final class StoredValue implements DeferredValue {
  private final StoredRef ref;
  private final ValueFetcher fetcher;
  private volatile Object value;
  private volatile boolean loaded;

  public StoredValue(StoredRef ref, ValueFetcher fetcher) {
    this.ref = ref;
    this.fetcher = fetcher;
  }

  /** A value just stored under {@code ref}: held already, never read back here. */
  public static StoredValue stored(StoredRef ref, Object value) {
    StoredValue v = new StoredValue(ref, ValueFetcher.NONE);
    v.value = value;
    v.loaded = true;
    return v;
  }

  public StoredRef ref() {
    return ref;
  }

  /** Whether the value has been read (or was stored here). */
  public boolean isLoaded() {
    return loaded;
  }

  @Override
  public Object value() {
    if (!loaded) {
      synchronized (this) {
        if (!loaded) {
          byte[] bytes = fetcher.fetch(ref);
          String digest = sha256(bytes);
          if (!digest.equals(ref.getSha256())) {
            throw new IllegalStateException(
                "the stored value "
                    + ref.getKey()
                    + " read back damaged: its SHA-256 is "
                    + digest
                    + ", not "
                    + ref.getSha256());
          }
          value = StateCodec.decodeValue(bytes);
          loaded = true;
        }
      }
    }
    return value;
  }

  @Override
  public long bytes() {
    return ref.getBytes();
  }

  @Override
  public String digest() {
    return ref.getSha256();
  }

  @Override
  public String preview() {
    return ref.getPreview();
  }

  /** The hex SHA-256 of {@code bytes}. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no SHA-256 in this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "<stored "
        + ref.getBytes()
        + " bytes"
        + (ref.getPreview().isEmpty() ? "" : ": \"" + ref.getPreview() + "…\"")
        + ">";
  }
}
