package io.bramble.schemas.serde;

import java.nio.ByteBuffer;
import org.apache.kafka.common.errors.RecordDeserializationException;

/**
 * Helpers for the {@link RecordDeserializationException} a Kafka consumer throws from {@code
 * poll()} when a deserializer fails; it carries the topic-partition and offset of the record.
 *
 * <pre>{@code
 * try { records = consumer.poll(timeout); }
 * catch (RecordDeserializationException e) {
 *   if (!DecodingFailures.isPoison(e)) throw e;                 // e.g. the registry is down: retry later
 *   log.warn(DecodingFailures.describe(e));                     // topic bramble.jobs partition 0 offset 12: ...
 *   dlq.send(new ProducerRecord<>("bramble.dlq", DecodingFailures.rawValue(e)));
 *   consumer.seek(e.topicPartition(), e.offset() + 1);          // skip it
 * }
 * }</pre>
 */
public final class DecodingFailures {
  private DecodingFailures() {}

  /**
   * {@code "topic bramble.jobs partition 0 offset 12: not Confluent wire format (first byte 0x7b,
   * expected 0x00)"}: where the record is, then what is wrong with it.
   */
  public static String describe(RecordDeserializationException e) {
    String where =
        "topic "
            + e.topicPartition().topic()
            + " partition "
            + e.topicPartition().partition()
            + " offset "
            + e.offset();
    RecordDecodingException decoding = decodingCause(e);
    if (decoding != null) {
      return where + ": " + decoding.problem();
    }
    Throwable cause = e.getCause() != null ? e.getCause() : e;
    return where
        + ": "
        + (cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName());
  }

  /**
   * Whether the record itself is bad (so skipping it is right), rather than e.g. the registry being
   * down.
   */
  public static boolean isPoison(RecordDeserializationException e) {
    return decodingCause(e) != null;
  }

  /** The record's value bytes, or null if the consumer did not keep them. */
  public static byte[] rawValue(RecordDeserializationException e) {
    return copy(e.valueBuffer());
  }

  /** The record's key bytes, or null. */
  public static byte[] rawKey(RecordDeserializationException e) {
    return copy(e.keyBuffer());
  }

  private static RecordDecodingException decodingCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof RecordDecodingException) {
        return (RecordDecodingException) t;
      }
    }
    return null;
  }

  private static byte[] copy(ByteBuffer buffer) {
    if (buffer == null) {
      return null;
    }
    ByteBuffer b = buffer.duplicate();
    byte[] bytes = new byte[b.remaining()];
    b.get(bytes);
    return bytes;
  }
}
