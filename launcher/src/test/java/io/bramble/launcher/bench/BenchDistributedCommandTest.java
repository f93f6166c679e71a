package io.bramble.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bramble.launcher.Console;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command's shape on a small run; the figures themselves live in BENCHMARKS.md. */
class BenchDistributedCommandTest {
  @Test
  void theLastLineIsOneJsonObjectWithTheJobPercentilesTheDocumentAndTheRawRoundTrip()
      throws Exception {
    Console c = new Console();
    int code =
        c.run(
            "bench",
            "distributed",
            "--children",
            "3",
            "--jobs",
            "2",
            "--warmup",
            "1",
            "--round-trips",
            "5",
            "--document-bytes",
            "40000");

    assertThat(code).as(c.err()).isZero();
    List<String> lines = c.outLines();
    assertThat(lines).anyMatch(l -> l.startsWith("raw round trip     5: p50"));
    assertThat(lines).anyMatch(l -> l.startsWith("measured           2: p50"));
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.get("bench").asText()).isEqualTo("distributed");
    assertThat(json.get("children").asInt()).isEqualTo(3);
    assertThat(json.get("jobs").asInt()).isEqualTo(2);
    assertThat(json.get("document_bytes").asInt())
        .as("each child held a document: kept once in the value store")
        .isEqualTo(40000);
    assertThat(lines).anyMatch(l -> l.contains("each holding a 40000-byte document"));
    assertThat(json.get("p50_ms").asDouble()).isPositive();
    assertThat(json.get("p99_ms").asDouble()).isGreaterThanOrEqualTo(json.get("p50_ms").asDouble());
    assertThat(json.get("raw_round_trip_p50_ms").asDouble()).isPositive();
    assertThat(json.get("p50_round_trips").asDouble())
        .isCloseTo(
            json.get("p50_ms").asDouble() / json.get("raw_round_trip_p50_ms").asDouble(),
            org.assertj.core.data.Offset.offset(0.1));
    assertThat(json.get("p99_round_trips").asDouble())
        .isGreaterThanOrEqualTo(json.get("p50_round_trips").asDouble());
    assertThat(json.get("bare_commit_p50_ms").asDouble()).isPositive();
    assertThat(json.get("streams_commit_avg_ms").asDouble()).isPositive();
    assertThat(json.get("coordinator_retries_per_job").asDouble()).isNotNegative();
    // the embedded broker is formatted at Kafka's latest production feature levels
    assertThat(json.get("transaction_version").asInt()).isEqualTo(2);
  }

  @Test
  void badCountsAreUsageErrors() {
    Console c = new Console();
    assertThat(c.run("bench", "distributed", "--jobs", "0")).isEqualTo(2);
  }
}
