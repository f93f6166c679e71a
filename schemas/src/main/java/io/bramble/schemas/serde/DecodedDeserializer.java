package io.bramble.schemas.serde;

import java.util.Map;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * A deserializer that does not throw on poison records: it returns a {@link Decoded} holding either
 * the value or the reason plus the raw bytes, so a consumer loop can forward bad records to a
 * dead-letter topic and carry on instead of failing {@code poll()}. Registry outages ({@link
 * io.bramble.schemas.registry.SchemaRegistryException}) still throw: they are transient.
 *
 * <pre>{@code
 * var consumer = new KafkaConsumer<>(props, new StringDeserializer(), BrambleSerdes.decoding(Task.class, registry));
 * for (ConsumerRecord<String, Decoded<Task>> r : consumer.poll(timeout)) {
 *   if (r.value().isFailed()) { dlq.send(new ProducerRecord<>("bramble.dlq", r.key(), r.value().raw())); continue; }
 *   Task task = r.value().value();
 * }
 * }</pre>
 */
public final class DecodedDeserializer<T extends IndexedRecord>
    implements Deserializer<Decoded<T>> {
  private final AvroSerde<T> delegate;

  public DecodedDeserializer(AvroSerde<T> delegate) {
    this.delegate = delegate;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    delegate.configure(configs, isKey);
  }

  @Override
  public Decoded<T> deserialize(String topic, byte[] data) {
    try {
      return Decoded.ok(delegate.deserialize(topic, data));
    } catch (RecordDecodingException e) {
      return Decoded.failed(e.problem(), data);
    }
  }

  @Override
  public void close() {
    delegate.close();
  }
}
