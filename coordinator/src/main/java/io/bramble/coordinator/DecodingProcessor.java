package io.bramble.coordinator;

import io.bramble.runtime.DeadLetters;
import io.bramble.runtime.Records;
import io.bramble.runtime.StepSpans;
import io.bramble.runtime.Tracing;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.serde.Decoded;
import io.bramble.schemas.serde.DecodedDeserializer;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Decodes each record's Avro value; a record that does not decode goes to the dead-letter topic
 * with the reason in its headers instead of stopping the coordinator.
 */
abstract class DecodingProcessor<T extends IndexedRecord>
    implements Processor<String, byte[], String, Object> {
  private final DecodedDeserializer<T> decoder;
  protected final Tracing tracing;
  protected ProcessorContext<String, Object> context;
  protected JobStores jobs;
  protected JoinStores joins;

  /** The trace the current record belongs to; what is emitted carries it on. */
  protected Context traceContext = Context.root();

  DecodingProcessor(DecodedDeserializer<T> decoder, Tracing tracing) {
    this.decoder = decoder;
    this.tracing = tracing;
  }

  @Override
  public void init(ProcessorContext<String, Object> context) {
    this.context = context;
    this.jobs = new JobStores(context);
    this.joins = new JoinStores(context);
  }

  @Override
  public final void process(Record<String, byte[]> record) {
    RecordMetadata where = context.recordMetadata().orElseThrow();
    Decoded<T> decoded = decoder.deserialize(where.topic(), record.value());
    if (decoded.isFailed()) {
      String reason =
          "topic "
              + where.topic()
              + " partition "
              + where.partition()
              + " offset "
              + where.offset()
              + ": "
              + decoded.failure();
      context.forward(
          new Record<String, Object>(
              record.key(),
              record.value(),
              record.timestamp(),
              DeadLetters.headers(reason, where.topic(), where.partition(), where.offset())),
          Sinks.DLQ);
      undecodable(record.key(), reason);
      return;
    }
    traceContext = tracing.extract(record.headers());
    process(record.key(), decoded.value(), record.timestamp());
  }

  abstract void process(String key, T value, long timestamp);

  /** Wall-clock time from the Streams context, so that tests drive it. */
  long now() {
    return context.currentSystemTimeMs();
  }

  /**
   * Called after an undecodable record went to the dead-letter topic: the job the record's key
   * belongs to (the key is a root's app id, or an app of a job's tree) gets a failed result, unless
   * it has one already, so that nobody waits for a job that cannot finish.
   */
  void undecodable(String key, String reason) {
    String root = key == null ? null : rootOf(key);
    if (root != null) {
      failJob(root, "a record of this job could not be decoded: " + reason);
    }
  }

  /**
   * The root app id of the job whose tree holds app {@code appId}, or null when no job knows it.
   */
  private String rootOf(String appId) {
    if (jobs.requests.get(appId) != null) {
      return appId;
    }
    return jobs.trees.rootOf(appId); // only poison records get here: a scan is fine
  }

  /**
   * Publishes a failed result for job {@code appId} saying {@code message}, unless the job has a
   * result already: a bad record never overwrites a job's outcome.
   */
  void failJob(String appId, String message) {
    if (jobs.results.get(appId) != null) {
      return;
    }
    JobRequest job = jobs.requests.get(appId);
    long now = now();
    JobResult result =
        Records.invalidJob(
            appId,
            job == null ? "unknown" : job.getGraph(),
            message,
            job == null ? now : job.getSubmittedAtMs(),
            now);
    jobs.results.put(appId, result);
    emit(Sinks.JOB_RESULTS, appId, result, now);
    JobMigration.ended(jobs, this::emit, appId, now);
    emit(
        Sinks.EVENTS,
        appId,
        TrackingEvents.jobFailed(appId, result.getGraph(), message, Events.PROCESS, now),
        now);
  }

  /** Forwards {@code value} under {@code key} to {@code sink}, in the current trace. */
  void emit(String sink, String key, Object value, long timestamp) {
    RecordHeaders headers = new RecordHeaders();
    tracing.inject(traceContext, headers);
    context.forward(new Record<>(key, value, timestamp, headers), sink);
  }

  /** Starts a span in the current record's trace and makes it the trace what is emitted carries. */
  Span startSpan(String name, String appId) {
    Span span =
        tracing
            .tracer()
            .spanBuilder(name)
            .setParent(traceContext)
            .setAttribute(StepSpans.APP_ID, appId)
            .setAttribute(StepSpans.PROCESS, "coordinator")
            .startSpan();
    traceContext = traceContext.with(span);
    return span;
  }
}
