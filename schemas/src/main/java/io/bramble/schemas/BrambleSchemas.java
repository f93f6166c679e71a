package io.bramble.schemas;

import io.bramble.schemas.avro.Cancellation;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JoinedPage;
import io.bramble.schemas.avro.Migration;
import io.bramble.schemas.avro.StreamChunk;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.SchemaRegistry;
import io.bramble.schemas.serde.BrambleSerdes;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * Which message each Bramble topic carries (see DESIGN.md, "Distributed runtime"), by topic name
 * without the prefix. The {@code dlq} topic carries raw bytes and has no schema.
 */
public final class BrambleSchemas {
  private BrambleSchemas() {}

  /** The default topic prefix. */
  public static final String DEFAULT_TOPIC_PREFIX = "bramble.";

  /**
   * Topic name (without prefix) → value type: jobs, tasks, fanouts, results, checkpoints,
   * job-results, events, streams, joined, cancellations, migrations.
   */
  public static final Map<String, Class<? extends SpecificRecord>> VALUE_TYPES = valueTypes();

  private static Map<String, Class<? extends SpecificRecord>> valueTypes() {
    Map<String, Class<? extends SpecificRecord>> m = new LinkedHashMap<>();
    m.put("jobs", JobRequest.class);
    m.put("tasks", Task.class);
    m.put("fanouts", FanOut.class);
    m.put("results", TaskResult.class);
    m.put("checkpoints", Checkpoint.class);
    m.put("job-results", JobResult.class);
    m.put("events", TrackingEvent.class);
    m.put("streams", StreamChunk.class);
    m.put("joined", JoinedPage.class);
    m.put("cancellations", Cancellation.class);
    m.put("migrations", Migration.class);
    return Collections.unmodifiableMap(m);
  }

  /** The value schema of a generated message class. */
  public static Schema schemaOf(Class<? extends SpecificRecord> type) {
    return SpecificData.get().getSchema(type);
  }

  /**
   * Registers every topic's value schema under {@code <prefix><topic>-value} (e.g. {@code
   * bramble.tasks-value}), so that a registry is ready before the first record; returns subject →
   * id. Idempotent.
   */
  public static Map<String, Integer> registerAll(SchemaRegistry registry, String topicPrefix) {
    Map<String, Integer> ids = new LinkedHashMap<>();
    VALUE_TYPES.forEach(
        (topic, type) -> {
          String subject = BrambleSerdes.valueSubject(topicPrefix + topic);
          ids.put(subject, registry.register(subject, schemaOf(type)));
        });
    return ids;
  }
}
