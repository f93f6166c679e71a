package io.bramble.schemas.serde;

import java.util.Objects;

/**
 * The outcome of decoding one record with a {@link DecodedDeserializer}: the value, or why it could
 * not be decoded together with the raw bytes (to forward to a dead-letter topic).
 *
 * @param value the decoded value (null when failed, or for a tombstone)
 * @param failure why decoding failed, or null when it succeeded
 * @param raw the bytes that could not be decoded (null when it succeeded)
 */
public record Decoded<T>(T value, String failure, byte[] raw) {

  public static <T> Decoded<T> ok(T value) {
    return new Decoded<>(value, null, null);
  }

  public static <T> Decoded<T> failed(String failure, byte[] raw) {
    return new Decoded<>(null, Objects.requireNonNull(failure, "failure"), raw);
  }

  public boolean isOk() {
    return failure == null;
  }

  public boolean isFailed() {
    return failure != null;
  }

  /** The value; a {@link RecordDecodingException} (for {@code topic}) if decoding failed. */
  public T orElseThrow(String topic) {
    if (failure != null) {
      throw new RecordDecodingException(topic, failure);
    }
    return value;
  }

  @Override
  public String toString() {
    return isOk()
        ? "Decoded[" + value + "]"
        : "Decoded[failed: " + failure + ", " + (raw == null ? 0 : raw.length) + " bytes]";
  }
}
