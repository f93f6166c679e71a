package io.bramble.launcher.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.examples.collatz.Collatz;
import io.bramble.examples.poems.OfflinePoemModel;
import io.bramble.examples.poems.Poems;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.kafka.JobClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The examples, found through ServiceLoader as `bramble dev` finds them, end as they do locally. */
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

  private JobResult run(String appId, String graph, State state, Map<String, ?> inputs) throws Exception {
    client.submit(JobClient.request(appId, graph, state, inputs));
    JobResult result = client.await(appId, Duration.ofMinutes(2), null);
    assertThat(result.getStatus()).as("error: %s", result.getError()).isEqualTo(JobStatus.COMPLETED);
    return result;
  }

  @Test
  void poemsDistributedEndsInExactlyTheLocalFinalState() throws Exception {
    Map<String, Object> inputs = Poems.inputs(List.of("sonnet", "limerick", "haiku"), "the sea", 2);
    State local = Poems.application(new OfflinePoemModel()).run(inputs).state();
    State distributed = StateCodec.toState(run("poems-1", "poems", State.empty(), inputs).getState());
    assertThat(distributed).isEqualTo(local);
    assertThat(distributed.getString("final_results")).contains("sonnet", "limerick", "haiku");
  }

  @Test
  void submitWaitPrintsTheFinalStateAndWatchFollowsTheJob() {
    io.bramble.launcher.Console submit = new io.bramble.launcher.Console();
    String[] where = {"--bootstrap-servers", cluster.bootstrapServers(), "--registry-url", cluster.registryUrl()};
    int code = submit.run(concat(new String[] {"submit", "collatz", "--state", "{\"from\": 5, \"to\": 7}",
        "--app-id", "cli-1", "--wait"}, where));
    assertThat(code).as(submit.err()).isZero();
    assertThat(submit.out()).contains("\"5\" : 6", "\"6\" : 9", "\"7\" : 17");
    assertThat(submit.err()).contains("3/3 children");

    io.bramble.launcher.Console watch = new io.bramble.launcher.Console();
    assertThat(watch.run(concat(new String[] {"watch", "cli-1"}, where))).isZero();
    assertThat(watch.out()).contains("FANOUT cli-1", "JOB_DONE cli-1", "\"longest\"");
  }

  @Test
  void submitOfAnUnknownGraphFailsWithItsName() {
    io.bramble.launcher.Console submit = new io.bramble.launcher.Console();
    int code = submit.run("submit", "nope", "--wait", "--bootstrap-servers", cluster.bootstrapServers(),
        "--registry-url", cluster.registryUrl());
    assertThat(code).isEqualTo(1);
    assertThat(submit.err()).contains("unknown graph 'nope'");
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }

  @Test
  void collatzDistributedEndsInExactlyTheLocalFinalState() throws Exception {
    State local = Collatz.application(Collatz.DEFAULT_FROM, Collatz.DEFAULT_TO).run().state();
    State distributed = StateCodec.toState(run("collatz-1", "collatz", State.empty(), Map.of()).getState());
    assertThat(distributed).isEqualTo(local);
  }
}
