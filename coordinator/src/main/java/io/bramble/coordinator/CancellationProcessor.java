package io.bramble.coordinator;

import io.bramble.runtime.Tracing;
import io.bramble.schemas.avro.Cancellation;
import io.bramble.schemas.serde.DecodedDeserializer;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * cancellations → what this partition holds of a cancelled job's tree stops ({@link
 * JobCancellation#stopTree}).
 */
final class CancellationProcessor extends DecodingProcessor<Cancellation> {
  private final ValueCleanup valueCleanup;
  private final CoordinatorMetrics metrics;
  private JobCancellation cancellation;

  CancellationProcessor(
      DecodedDeserializer<Cancellation> decoder,
      Tracing tracing,
      ValueCleanup valueCleanup,
      CoordinatorMetrics metrics) {
    super(decoder, tracing);
    this.valueCleanup = valueCleanup;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    super.init(context);
    cancellation = new JobCancellation(jobs, joins, this::emit, valueCleanup, metrics);
  }

  @Override
  void process(String rootAppId, Cancellation cancelled, long timestamp) {
    cancellation.stopTree(cancelled.getRootAppId(), cancelled.getCancelledAtMs(), timestamp);
  }
}
