package io.bramble.coordinator;

import io.bramble.runtime.Tracing;
import io.bramble.schemas.avro.Cancellation;
import io.bramble.schemas.serde.DecodedDeserializer;
import java.time.Duration;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.ProcessorContext;

/**
 * cancellations → what this partition holds of a cancelled job's tree stops ({@link
 * JobCancellation#stopTree}); the jobs cancelled long ago are forgotten.
 */
final class CancellationProcessor extends DecodingProcessor<Cancellation> {
  private static final Duration FORGET_EVERY = Duration.ofMinutes(10);

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
    context.schedule(
        FORGET_EVERY,
        PunctuationType.WALL_CLOCK_TIME,
        nowMs -> cancellation.forgetBefore(nowMs - JobCancellation.REMEMBERED.toMillis()));
  }

  @Override
  void process(String rootAppId, Cancellation cancelled, long timestamp) {
    cancellation.stopTree(cancelled, timestamp);
  }
}
