package io.bramble.launcher.jobs;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobResult;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.StoredValue;
import io.bramble.schemas.avro.Entry;
import io.bramble.schemas.avro.StateData;
import io.bramble.schemas.avro.StoredRef;
import io.bramble.schemas.avro.Value;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a job's final state prints when a value of it is kept in the value store. */
class JobOutputTest {
  private final String transcript = "Speaker one: hello. ".repeat(2000);
  private final byte[] stored = StateCodec.encodeValue(transcript);
  private final StoredRef ref =
      new StoredRef(
          "kafka",
          "job-1/" + StoredValue.sha256(stored),
          (long) stored.length,
          StoredValue.sha256(stored),
          transcript.substring(0, 200),
          "0:17");
  private final List<StoredRef> fetched = new ArrayList<>();

  private JobResult result() {
    return JobResult.of(
        io.bramble.schemas.avro.JobResult.newBuilder()
            .setAppId("job-1")
            .setGraph("meetings")
            .setStatus(io.bramble.schemas.avro.JobStatus.COMPLETED)
            .setState(
                new StateData(
                    List.of(
                        new Entry("transcript", new Value(ref)),
                        new Entry("summary", new Value("a greeting")))))
            .build(),
        r -> {
          fetched.add(r);
          return stored;
        });
  }

  private String print(List<String> read) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        JobOutput.print(
            result(),
            List.of(),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            true,
            read);
    assertThat(code).isZero();
    return out.toString(StandardCharsets.UTF_8);
  }

  @Test
  void aStoredValuePrintsAsItsSizeAndBeginningWithoutBeingRead() {
    String printed = print(List.of());

    assertThat(printed)
        .contains("\"summary\":\"a greeting\"")
        .contains("\"transcript\":{\"stored\":{\"bytes\":" + stored.length)
        .contains("\"preview\":\"Speaker one: hello. Speaker one");
    assertThat(fetched).as("nothing read").isEmpty();
  }

  @Test
  void aStoredValueAskedForPrintsWhole() {
    String printed = print(List.of("transcript"));

    assertThat(printed).contains("\"transcript\":\"" + transcript + "\"");
    assertThat(fetched).containsExactly(ref);
  }
}
