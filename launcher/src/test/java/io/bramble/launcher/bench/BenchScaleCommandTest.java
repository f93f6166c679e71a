package io.bramble.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bramble.launcher.Console;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command's shape on a small run (two worker processes); the figures live in BENCHMARKS.md. */
class BenchScaleCommandTest {
  @Test
  void eachWorkerProcessReportsItsShareOfTheCheckpointsAndItsHeap() throws Exception {
    Console c = new Console();
    int code = c.run("bench", "scale", "--workers", "2", "--jobs", "2", "--children", "3");

    assertThat(code).as(c.err()).isZero();
    List<String> lines = c.outLines();
    assertThat(lines).anyMatch(l -> l.startsWith("scale-w1: read "));
    assertThat(lines).anyMatch(l -> l.startsWith("scale-w2: read "));
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.get("bench").asText()).isEqualTo("scale");
    assertThat(json.get("workers").asInt()).isEqualTo(2);
    assertThat(json.get("checkpoint_reads_share_max").asDouble()).isBetween(0.0, 1.0);
    assertThat(json.get("heap_mb_max").asDouble()).isPositive();
  }
}
