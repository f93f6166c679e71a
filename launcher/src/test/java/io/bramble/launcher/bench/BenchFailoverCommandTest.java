package io.bramble.launcher.bench;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.bramble.launcher.Console;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The command's shape on a small run: two coordinator processes, the owner of a job killed, the
 * other takes over and the job completes. The figures live in BENCHMARKS.md; the session timeout
 * here is the 6 s most clusters have, so a busy CI machine does not drop a coordinator early.
 */
class BenchFailoverCommandTest {
  @Test
  void theSurvivingCoordinatorTakesTheJobOverAndItCompletes() throws Exception {
    Console c = new Console();
    int code = c.run("bench", "failover", "--children", "400", "--session-timeout-ms", "6000");

    assertThat(code).as(c.err()).isZero();
    List<String> lines = c.outLines();
    assertThat(lines).anyMatch(l -> l.matches(".* killed coordinator-[12] \\(pid \\d+\\)"));
    assertThat(lines).anyMatch(l -> l.startsWith("takeover: coordinator-"));
    JsonNode json = new ObjectMapper().readTree(lines.get(lines.size() - 1));
    assertThat(json.get("bench").asText()).isEqualTo("failover");
    assertThat(json.get("job_ok").asBoolean()).isTrue();
    // not before the killed one's session ran out (its last heartbeat was at most 1.5 s earlier)
    assertThat(json.get("takeover_ms").asLong()).isGreaterThanOrEqualTo(4_500);
    assertThat(json.get("session_timeout_ms").asLong()).isEqualTo(6_000);
  }
}
