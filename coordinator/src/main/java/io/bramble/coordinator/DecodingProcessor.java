package io.bramble.coordinator;

import io.bramble.schemas.kafka.DeadLetters;
import io.bramble.schemas.serde.Decoded;
import io.bramble.schemas.serde.DecodedDeserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes each record's Avro value; a record that does not decode goes to the dead-letter topic
 * with the reason in its headers instead of stopping the coordinator.
 */
abstract class DecodingProcessor<T extends org.apache.avro.generic.IndexedRecord> implements Processor<String, byte[], String, Object> {
  private final DecodedDeserializer<T> decoder;
  protected ProcessorContext<String, Object> context;

  DecodingProcessor(DecodedDeserializer<T> decoder) {
    this.decoder = decoder;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
  }

  @Override
  public final void process(Record<String, byte[]> record) {
    RecordMetadata where = context.recordMetadata().orElseThrow();
    Decoded<T> decoded = decoder.deserialize(where.topic(), record.value());
    if (decoded.isFailed()) {
      String reason = "topic " + where.topic() + " partition " + where.partition() + " offset " + where.offset()
          + ": " + decoded.failure();
      context.forward(new Record<String, Object>(record.key(), record.value(), record.timestamp(),
          DeadLetters.headers(reason, where.topic(), where.partition(), where.offset())), Sinks.DLQ);
      undecodable(record.key(), reason);
      return;
    }
    process(record.key(), decoded.value(), record.timestamp());
  }

  abstract void process(String key, T value, long timestamp);

  /** Called after an undecodable record went to the dead-letter topic. */
  void undecodable(String key, String reason) {}

  /** Forwards {@code value} under {@code key} to {@code sink}. */
  void emit(String sink, String key, Object value, long timestamp) {
    context.forward(new Record<>(key, value, timestamp), sink);
  }
}
