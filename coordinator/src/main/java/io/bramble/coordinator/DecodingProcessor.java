package io.bramble.coordinator;

import io.bramble.schemas.kafka.DeadLetters;
import io.bramble.schemas.kafka.StepSpans;
import io.bramble.schemas.kafka.Tracing;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import org.apache.kafka.common.header.internals.RecordHeaders;
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
  protected final Tracing tracing;
  protected ProcessorContext<String, Object> context;
  /** The trace the current record belongs to; what is emitted carries it on. */
  protected Context traceContext = Context.root();

  DecodingProcessor(DecodedDeserializer<T> decoder, Tracing tracing) {
    this.decoder = decoder;
    this.tracing = tracing;
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
    traceContext = tracing.extract(record.headers());
    process(record.key(), decoded.value(), record.timestamp());
  }

  abstract void process(String key, T value, long timestamp);

  /** Called after an undecodable record went to the dead-letter topic. */
  void undecodable(String key, String reason) {}

  /** Forwards {@code value} under {@code key} to {@code sink}, in the current trace. */
  void emit(String sink, String key, Object value, long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    tracing.inject(traceContext, headers);
    context.forward(new Record<>(key, value, timestamp, headers), sink);
  }

  /** Starts a span in the current record's trace and makes it the trace what is emitted carries. */
  Span startSpan(String name, String appId) {
    Span span = tracing.tracer().spanBuilder(name).setParent(traceContext)
        .setAttribute(StepSpans.APP_ID, appId).setAttribute(StepSpans.PROCESS, "coordinator").startSpan();
    traceContext = traceContext.with(span);
    return span;
  }
}
