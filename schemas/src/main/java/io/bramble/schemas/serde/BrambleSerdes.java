package io.bramble.schemas.serde;

import io.bramble.schemas.registry.SchemaRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Serdes for Bramble's topics: keys are plain strings (app ids), values are Avro in the Confluent
 * wire format.
 *
 * <pre>{@code
 * Serde<Task> tasks = BrambleSerdes.forType(Task.class, registry);
 * Serde<String> keys = BrambleSerdes.keys();
 * }</pre>
 */
public final class BrambleSerdes {
  private BrambleSerdes() {}

  /** The value serde of a generated message class, e.g. {@code forType(Task.class, registry)}. */
  public static <T extends SpecificRecord> AvroSerde<T> forType(
      Class<T> type, SchemaRegistry registry) {
    return new AvroSerde<>(type, registry);
  }

  /**
   * A value deserializer of {@code type} that returns poison records as {@link Decoded} failures
   * instead of throwing.
   */
  public static <T extends SpecificRecord> DecodedDeserializer<T> decoding(
      Class<T> type, SchemaRegistry registry) {
    return new DecodedDeserializer<>(new AvroSerde<>(type, registry));
  }

  /** The key serde: UTF-8 strings. */
  public static Serde<String> keys() {
    return Serdes.String();
  }

  /**
   * The subject a topic's values are registered under (topic-name strategy): {@code <topic>-value}.
   */
  public static String valueSubject(String topic) {
    return AvroSerde.subjectFor(topic, false);
  }
}
