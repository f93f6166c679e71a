package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.core.state.StateInternals;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.values.ValueStore;
import io.bramble.runtime.values.ValueStores;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.StoredValue;
import io.bramble.schemas.avro.JobRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Large state values travel by reference, on a dev cluster whose value store a subclass chooses: a
 * document fanned out to 20 children is stored once, a 20 MiB value round-trips, a value larger
 * than the store takes fails its job naming it, and a completed job's values go with it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class LargeValuesContract {
  static final Duration WAIT = Duration.ofMinutes(3);

  /** The most a value may hold in these tests' clusters: between the 20 MiB and the too large. */
  static final long MAX_BYTES = 24L * 1024 * 1024;

  @TempDir static Path dir;
  DevCluster cluster;
  JobClient client;

  /** The dev cluster's settings: its value store. */
  abstract DevCluster.Settings settings();

  @BeforeAll
  void start() {
    cluster =
        DevCluster.start(
            dir,
            GraphRegistry.of(
                new LargeValueGraphs.Documents(),
                new LargeValueGraphs.Blobs(),
                new LargeValueGraphs.Maker()),
            2,
            4,
            0,
            0,
            io.opentelemetry.api.OpenTelemetry.noop(),
            settings());
    client = cluster.client();
  }

  @AfterAll
  void stop() {
    if (client != null) {
      client.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  /** Words of 1–8 letters and spaces, {@code bytes} long. */
  static String document(int bytes, long seed) {
    Random random = new Random(seed);
    StringBuilder sb = new StringBuilder(bytes);
    while (sb.length() < bytes) {
      int word = 1 + random.nextInt(8);
      for (int i = 0; i < word; i++) {
        sb.append((char) ('a' + random.nextInt(26)));
      }
      sb.append(' ');
    }
    return sb.substring(0, bytes);
  }

  /** Bytes of the keys and values of every record on Bramble's topics but the values topic. */
  long recordBytes() {
    long bytes = 0;
    for (String topic : cluster.cluster().topics().all()) {
      if (topic.equals(cluster.cluster().topics().values())) {
        continue;
      }
      for (ConsumerRecord<String, byte[]> r :
          TopicReader.readAll(cluster.cluster(), topic, Duration.ofSeconds(30))) {
        bytes +=
            (r.key() == null ? 0 : r.key().length()) + (r.value() == null ? 0 : r.value().length);
      }
    }
    return bytes;
  }

  JobResult run(JobRequest job) throws Exception {
    client.submit(job);
    return client.await(job, WAIT, null);
  }

  @Test
  void aDocumentFannedOutToTwentyChildrenIsStoredOnceAndTheirRecordsStaySmall() throws Exception {
    String doc = document(2 * 1024 * 1024, 7);
    long before = recordBytes();

    JobRequest job =
        JobClient.request(
            "doc-20", "documents", State.of("doc", doc, "parts", 20, "forget", false), Map.of());
    JobResult result = run(job);

    assertThat(result.status()).as("error %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    long spaces = doc.chars().filter(c -> c == ' ').count();
    assertThat(result.state().getLong("spaces")).isEqualTo(spaces);
    long written = recordBytes() - before;
    long stored = storedBytes("doc-20/");
    System.out.printf(
        "%s: a %d-byte document fanned out to 20 children: %d bytes in the value store, %d bytes"
            + " in every other record of the job%n",
        getClass().getSimpleName(), doc.length(), stored, written);
    assertThat(written)
        .as("every other record of the job together: far less than one copy of the document")
        .isLessThan(doc.length() / 4);
    assertThat(stored)
        .as("the document, stored once (not once per child)")
        .isBetween((long) doc.length(), doc.length() * 3L / 2);
  }

  /** Bytes the store holds under keys starting with {@code prefix} (a subclass counts them). */
  abstract long storedBytes(String prefix);

  @Test
  void aTwentyMebibyteValueRoundTripsAndIsReadOnlyWhenAsked() throws Exception {
    String blob = document(20 * 1024 * 1024, 11);

    JobResult result = run(JobClient.request("blob-20", "blobs", State.of("blob", blob), Map.of()));

    assertThat(result.status()).as("error %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    State end = result.state();
    assertThat(StateInternals.raw(end).get("blob")).isInstanceOf(StoredValue.class);
    StoredValue stored = (StoredValue) StateInternals.raw(end).get("blob");
    assertThat(stored.isLoaded()).isFalse();
    assertThat(stored.bytes()).isGreaterThan(blob.length());
    assertThat(stored.preview()).isEqualTo(blob.substring(0, 200));
    assertThat(end.getLong("length")).isEqualTo(blob.length());
    assertThat(end.getString("blob")).isEqualTo(blob);
  }

  @Test
  void aValueLargerThanTheStoreTakesFailsTheJobNamingItsKeyAndSize() throws Exception {
    JobResult result =
        run(JobClient.request("too-large", "maker", State.of("n", MAX_BYTES + 1024), Map.of()));

    assertThat(result.status()).isEqualTo(JobStatus.FAILED);
    assertThat(result.error().message())
        .contains("state key 'made' holds")
        .contains("more than the")
        .contains(Long.toString(MAX_BYTES));
  }

  @Test
  void aCompletedJobsValuesGoWithItButThoseItsResultHoldsStay() throws Exception {
    String doc = document(100_000, 3);
    String blob = document(50_000, 5);
    JobResult docs =
        run(
            JobClient.request(
                "gone-1", "documents", State.of("doc", doc, "parts", 2, "forget", true), Map.of()));
    JobResult blobs = run(JobClient.request("kept-1", "blobs", State.of("blob", blob), Map.of()));
    assertThat(docs.status()).isEqualTo(JobStatus.COMPLETED);
    assertThat(blobs.status()).isEqualTo(JobStatus.COMPLETED);

    assertRemoved("gone-1/" + sha256(doc));
    // the blob is in its job's result: still readable, from a process that never saw it
    StoredValue ref = (StoredValue) StateInternals.raw(blobs.state()).get("blob");
    try (ValueStore fresh = ValueStores.open(cluster.cluster(), "test-reader")) {
      assertThat(new StoredValue(ref.ref(), fresh).value()).isEqualTo(blob);
    }
  }

  /** The SHA-256 of {@code value} as stored. */
  static String sha256(Object value) {
    return StoredValue.sha256(StateCodec.encodeValue(value));
  }

  /** Asserts that the value stored as {@code key} is (being) removed from the store. */
  abstract void assertRemoved(String key);
}
