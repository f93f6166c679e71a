package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.examples.collatz.Collatz;
import io.bramble.examples.poems.OfflinePoemModel;
import io.bramble.examples.poems.Poems;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The examples, found through ServiceLoader as `bramble dev` finds them, end as they do locally.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExamplesDistributedTest {
  @TempDir static Path dir;
  private DevCluster cluster;
  private JobClient client;

  @BeforeAll
  void start() {
    cluster = DevCluster.start(dir, GraphRegistry.load(), 2, 4);
    client = cluster.client();
  }

  @AfterAll
  void stop() {
    client.close();
    cluster.close();
  }

  private JobResult run(String appId, String graph, State state, Map<String, ?> inputs)
      throws Exception {
    client.submit(JobClient.request(appId, graph, state, inputs));
    JobResult result = client.await(appId, Duration.ofMinutes(2), null);
    assertThat(result.status()).as("error: %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    return result;
  }

  @Test
  void poemsDistributedEndsInExactlyTheLocalFinalState() throws Exception {
    Map<String, Object> inputs = Poems.inputs(List.of("sonnet", "limerick", "haiku"), "the sea", 2);
    State local = Poems.application(new OfflinePoemModel()).run(inputs).state();
    State distributed = run("poems-1", "poems", State.empty(), inputs).state();
    assertThat(distributed).isEqualTo(local);
    assertThat(distributed.getString("final_results")).contains("sonnet", "limerick", "haiku");
  }

  @Test
  void collatzDistributedEndsInExactlyTheLocalFinalState() throws Exception {
    State local = Collatz.application(Collatz.DEFAULT_FROM, Collatz.DEFAULT_TO).run().state();
    State distributed = run("collatz-1", "collatz", State.empty(), Map.of()).state();
    assertThat(distributed).isEqualTo(local);
  }
}
