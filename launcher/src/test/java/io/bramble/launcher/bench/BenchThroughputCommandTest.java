package io.bramble.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bramble.launcher.Console;
import java.util.List;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/** The command's shape on a short run; the figures themselves live in BENCHMARKS.md. */
class BenchThroughputCommandTest {
  @Test
  void theLastLineIsOneJsonObjectWithTasksPerSecondTheRawRateAndRecordsPerTask() throws Exception {
    Console c = new Console();
    int code =
        c.run("bench", "throughput", "--seconds", "2", "--children", "3", "--in-flight", "2");

    assertThat(code).as(c.err()).isZero();
    List<String> lines = c.outLines();
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.get("bench").asText()).isEqualTo("throughput");
    assertThat(json.get("children").asInt()).isEqualTo(3);
    // a slow machine may finish no job inside two seconds: the rates may be 0, never negative
    assertThat(json.get("tasks_per_s").asDouble()).isNotNegative();
    assertThat(json.get("jobs_per_s").asDouble()).isNotNegative();
    assertThat(json.get("raw_records_per_s").asDouble()).isPositive();
    assertThat(json.get("ratio").asDouble())
        .isCloseTo(
            json.get("tasks_per_s").asDouble() / json.get("raw_records_per_s").asDouble(),
            Offset.offset(0.0001));
    // every child task writes at least its checkpoints and its result
    assertThat(json.get("records_per_task").asDouble()).isGreaterThan(2);
    // every job of the run is timed; small jobs beside them only when the jobs are big
    assertThat(json.get("job_p99_ms").asDouble())
        .isGreaterThanOrEqualTo(json.get("job_p50_ms").asDouble())
        .isPositive();
    assertThat(json.get("probe_children").asInt()).isZero();
    assertThat(json.get("probe_p50_ms").isNull()).isTrue();
    assertThat(json.get("coordinator_retries_per_job").asDouble()).isNotNegative();
  }
}
