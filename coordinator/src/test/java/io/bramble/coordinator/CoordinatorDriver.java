package io.bramble.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.persistence.Persister;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.runtime.Records;
import io.bramble.runtime.Topics;
import io.bramble.schemas.avro.ChildOutcome;
import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JoinedPage;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TaskResult;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.schemas.serde.BrambleSerdes;
import io.bramble.worker.FanOutPages;
import io.bramble.worker.JoinedPages;
import io.bramble.worker.TaskOutcome;
import io.bramble.worker.TaskRunner;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

/**
 * The coordinator's topology on Kafka's {@link TopologyTestDriver}, its topics typed by their Avro
 * records, as the tests of its rules drive it.
 */
final class CoordinatorDriver implements AutoCloseable {
  final TopologyTestDriver driver;
  final TestInputTopic<String, SpecificRecord> jobs;
  final TestInputTopic<String, SpecificRecord> fanouts;
  final TestInputTopic<String, SpecificRecord> results;
  private final InMemorySchemaRegistry schemas;
  private final Topics topics;
  private final TestOutputTopic<String, JoinedPage> joined;
  private final Map<String, JoinedPage> pages = new HashMap<>();
  private final JobResultsTopic jobResults;

  CoordinatorDriver(
      Topics topics,
      GraphRegistry graphs,
      InMemorySchemaRegistry schemas,
      Path stateDir,
      Instant start) {
    this(topics, graphs, schemas, stateDir, start, ValueCleanup.NONE);
  }

  /** A coordinator that removes the stored values of jobs that ended through {@code values}. */
  CoordinatorDriver(
      Topics topics,
      GraphRegistry graphs,
      InMemorySchemaRegistry schemas,
      Path stateDir,
      Instant start,
      ValueCleanup values) {
    this.schemas = schemas;
    this.topics = topics;
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "coordinator-test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    driver =
        new TopologyTestDriver(
            CoordinatorTopology.build(
                topics,
                graphs.pools()::contains,
                values,
                schemas,
                new SimpleMeterRegistry(),
                OpenTelemetry.noop()),
            props,
            start);
    jobs = input(topics.jobs(), JobRequest.class);
    fanouts = input(topics.fanouts(), FanOut.class);
    results = input(topics.results(), TaskResult.class);
    joined = output(topics.joined(), JoinedPage.class);
    jobResults = new JobResultsTopic(output(topics.jobResults(), JobResult.class));
  }

  /** The job-results topic: what the coordinator wrote and what the workers {@link #send} wrote. */
  JobResultsTopic jobResults() {
    return jobResults;
  }

  /** Sends a worker's outcome as its pipeline does (a halted child also under its own id). */
  void send(TaskOutcome outcome) {
    if (outcome instanceof TaskOutcome.FannedOut f) {
      for (FanOutPages.Page page : fanOutPages(f.fanOut())) {
        fanouts.pipeInput(f.key(), page.fanOut());
      }
    } else if (outcome instanceof TaskOutcome.Finished r) {
      Records.resultKeys(r.result()).forEach(key -> results.pipeInput(key, r.result()));
      if (r.jobResult() != null) {
        jobResults.writtenByWorker(r.jobResult());
      }
    }
  }

  /** {@code fanOut} as the records a worker's pipeline writes of it. */
  List<FanOutPages.Page> fanOutPages(FanOut fanOut) {
    Serializer<FanOut> serializer = BrambleSerdes.forType(FanOut.class, schemas).serializer();
    return FanOutPages.split(
        fanOut, f -> serializer.serialize(topics.fanouts(), f), FanOutPages.MAX_PAGE_BYTES);
  }

  /**
   * The joined topic as a worker reads it: every page the coordinator wrote so far (a page removed
   * is not found).
   */
  JoinedPages joinedPages() {
    return ref -> {
      joined.readKeyValuesToList().forEach(kv -> pages.put(kv.key, kv.value));
      List<ChildOutcome> outcomes = new ArrayList<>();
      for (int i = 0; i < ref.getCount(); i++) {
        JoinedPage page = pages.get(ref.getKey() + "#" + i);
        assertThat(page).as("page %s of %s", i, ref.getKey()).isNotNull();
        outcomes.addAll(page.getOutcomes());
      }
      return outcomes;
    };
  }

  /** The pages of the joined topic now (removed ones as null), by key. */
  Map<String, JoinedPage> joinedTopic() {
    joined.readKeyValuesToList().forEach(kv -> pages.put(kv.key, kv.value));
    return pages;
  }

  /**
   * Plays the workers for the joins the coordinator completed: every task it published since the
   * last read must be one that reduces a join (no other task was released); each runs on {@code
   * worker} and its outcome is sent back.
   */
  void reduce(TestOutputTopic<String, Task> tasks, TaskRunner worker, Persister checkpoints) {
    for (Task task : tasks.readValuesToList()) {
      assertThat(task.getJoined()).as("a task that reduces a join: %s", task).isNotNull();
      send(worker.run(task, checkpoints));
    }
  }

  @SuppressWarnings("unchecked")
  <T extends SpecificRecord> TestInputTopic<String, SpecificRecord> input(
      String topic, Class<T> type) {
    return driver.createInputTopic(
        topic,
        new StringSerializer(),
        (Serializer<SpecificRecord>)
            (Serializer<?>) BrambleSerdes.forType(type, schemas).serializer());
  }

  <T extends SpecificRecord> TestOutputTopic<String, T> output(String topic, Class<T> type) {
    return driver.createOutputTopic(
        topic, new StringDeserializer(), BrambleSerdes.forType(type, schemas).deserializer());
  }

  @Override
  public void close() {
    driver.close();
  }
}
