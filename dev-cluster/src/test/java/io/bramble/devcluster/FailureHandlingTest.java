package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.core.state.StateInternals;
import io.bramble.runtime.DeadLetters;
import io.bramble.runtime.TopicReader;
import io.bramble.schemas.avro.JobRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Date;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input and failing user code: each gets a failed result naming the problem and/or a
 * dead-letter record with the reason, and the platform keeps serving other jobs (checked after
 * every test).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FailureHandlingTest {
  @TempDir static Path dir;
  private DevCluster cluster;
  private JobClient client;

  @BeforeAll
  void start() {
    GraphRegistry graphs =
        GraphRegistry.of(
            new TestGraphs.FanOut(),
            FailureGraphs.needsInput(),
            FailureGraphs.tooBig(),
            FailureGraphs.badMap(),
            FailureGraphs.badReduce(),
            FailureGraphs.retrying());
    cluster = DevCluster.start(dir, graphs, 2, 4);
    client = cluster.client();
  }

  @AfterAll
  void stop() {
    client.close();
    cluster.close();
  }

  @AfterEach
  void otherJobsAreUnaffected() throws Exception {
    JobResult ok = run("fanout", State.of("n", 3, "sleep_ms", 0), Map.of());
    assertThat(ok.status()).isEqualTo(JobStatus.COMPLETED);
  }

  private JobResult run(String graph, State state, Map<String, ?> inputs) throws Exception {
    JobRequest job = JobClient.request(graph + "-" + UUID.randomUUID(), graph, state, inputs);
    client.submit(job);
    return client.await(job, Duration.ofMinutes(1), null);
  }

  private void produceRaw(String key, byte[] value) throws Exception {
    try (KafkaProducer<String, byte[]> p =
        new KafkaProducer<>(
            new HashMap<>(cluster.cluster().clientProps()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      p.send(new ProducerRecord<>(cluster.cluster().topics().jobs(), key, value)).get();
    }
  }

  /** Dead letters whose key is {@code key}, read from the beginning. */
  private List<ConsumerRecord<String, byte[]>> deadLetters(String key) {
    return TopicReader.readAll(
            cluster.cluster(), cluster.cluster().topics().dlq(), Duration.ofSeconds(30))
        .stream()
        .filter(r -> key.equals(r.key()))
        .toList();
  }

  @Test
  void garbageBytesOnJobsGoToTheDeadLetterTopicAndFailTheJobNamedByTheKey() throws Exception {
    String appId = "garbage-" + UUID.randomUUID();
    produceRaw(appId, "{\"not\": \"avro\"}".getBytes(StandardCharsets.UTF_8));
    JobResult result = client.await(appId, Duration.ofMinutes(1), null);
    assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(result.error().message())
        .contains("could not be decoded", "not Confluent wire format");
    List<ConsumerRecord<String, byte[]>> dead = deadLetters(appId);
    assertThat(dead).hasSize(1);
    assertThat(new String(dead.get(0).value(), StandardCharsets.UTF_8))
        .isEqualTo("{\"not\": \"avro\"}");
    assertThat(DeadLetters.reason(dead.get(0).headers())).contains("bramble.jobs", "offset");
  }

  @Test
  void aRecordWithAnUnknownSchemaIdIsADeadLetterWithThatReason() throws Exception {
    String appId = "unknown-id-" + UUID.randomUUID();
    produceRaw(appId, ByteBuffer.allocate(9).put((byte) 0).putInt(987654).putInt(42).array());
    JobResult result = client.await(appId, Duration.ofMinutes(1), null);
    assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(DeadLetters.reason(deadLetters(appId).get(0).headers())).contains("987654");
  }

  @Test
  void aJobMissingARequiredInputFailsNamingActionAndInput() throws Exception {
    JobResult result = run("needs_input", State.empty(), Map.of());
    assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(result.error().message()).contains("action 'greet' requires input 'who'");
    assertThat(run("needs_input", State.empty(), Map.of("who", "Ada")).status())
        .isEqualTo(JobStatus.COMPLETED);
  }

  @Test
  void stateWithInternalKeysIsRefusedNamingTheKey() throws Exception {
    JobResult result =
        run(
            "fanout",
            StateInternals.restore(Map.of("__SEQUENCE_ID", 5L, "n", 1L, "sleep_ms", 0L)),
            Map.of());
    assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(result.error().message()).contains("job state key '__SEQUENCE_ID' is internal");
  }

  @Test
  void valuesOfUnsupportedTypesCannotEvenBeWrittenIntoAJob() {
    assertThatThrownBy(
            () -> JobClient.request("x", "fanout", State.of("when", new Date()), Map.of()))
        .hasMessageContaining("'when'")
        .hasMessageContaining("java.util.Date");
    assertThatThrownBy(
            () -> JobClient.request("x", "fanout", State.empty(), Map.of("when", new Date())))
        .hasMessageContaining("java.util.Date");
  }

  @Test
  void aStateLargerThanTheBrokerAcceptsFailsTheJobClearly() throws Exception {
    // 100 values of 15,000 characters: each below the value store's threshold, 1.5 MB together
    JobResult result = run("too_big", State.of("size", 15_000), Map.of());
    assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(result.error().message())
        .contains("larger than the broker accepts")
        .contains("many smaller ones still add up");
  }

  @Test
  void anExceptionInTheMapFailsTheJobWithIt() throws Exception {
    JobResult result = run("bad_map", State.empty(), Map.of());
    assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(result.error().message()).contains("the map cannot split this state");
  }

  @Test
  void anExceptionInTheReduceFailsTheJobWithIt() throws Exception {
    JobResult result = run("bad_reduce", State.empty(), Map.of());
    assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(result.error().message())
        .contains("action 'map' failed", "the reduce refuses these children");
  }

  @Test
  void childrenAreRetriedAndAFailureTolerantReduceDecidesAboutTheRest() throws Exception {
    FailureGraphs.TRIES.clear();
    JobResult result = run("retrying", State.empty(), Map.of());
    assertThat(result.status()).as("%s", result.error()).isEqualTo(JobStatus.COMPLETED);
    State state = result.state();
    assertThat(state.<Long>getList("outs")).containsExactly(0L, 100L, 200L, 400L);
    List<Map<String, Object>> failed = state.getList("failed");
    assertThat(failed).hasSize(1);
    assertThat(failed.get(0)).containsEntry("index", 3L);
    assertThat((String) failed.get(0).get("message")).contains("item 3 failed on try 3");
    assertThat(FailureGraphs.TRIES.get(1L).get()).isEqualTo(3);
    assertThat(FailureGraphs.TRIES.get(3L).get()).isEqualTo(3);
  }
}
