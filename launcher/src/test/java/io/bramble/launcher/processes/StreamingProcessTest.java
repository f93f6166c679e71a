package io.bramble.launcher.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bramble.client.ChunkSubscription;
import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.client.StreamedChunk;
import io.bramble.core.state.State;
import io.bramble.embedded.EmbeddedSchemaRegistry;
import io.bramble.examples.poems.OfflinePoemModel;
import io.bramble.examples.poems.PoemModels;
import io.bramble.examples.poems.Poems;
import io.bramble.runtime.ClusterConfig;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.registry.SchemaRegistryClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker killed with {@code kill -9} in the middle of a streaming step: the client hears the
 * step's first run stop and a second run, on the worker that takes over, stream the draft again
 * from its start as attempt 2; the job ends in the state of a local run.
 */
class StreamingProcessTest {
  private static final Duration WAIT = Duration.ofMinutes(3);

  @Test
  void aWorkerKilledMidStreamIsFollowedByTheNextAttemptsWholeStream(@TempDir Path dir)
      throws Exception {
    EmbeddedSchemaRegistry registry = null;
    // 250 ms between the pieces of a draft: a sonnet's draft streams for about 4 s.
    try (ProcessCluster processes =
        new ProcessCluster(dir, Map.of(PoemModels.OFFLINE_PACE_MS, "250"))) {
      String bootstrap = processes.startBroker(dir.resolve("kafka"), ProcessCluster.freePort(), 2);
      registry = EmbeddedSchemaRegistry.start(bootstrap, 0);
      List<String> args = ProcessCluster.clusterArgs(bootstrap, registry.url(), 2);
      processes.startCoordinator(args, dir.resolve("coordinator-state"));
      processes.awaitReady("coordinator");
      processes.startWorker("w-1", args, 4);
      processes.awaitReady("w-1");
      ClusterConfig cluster = ClusterConfig.of(bootstrap, registry.url()).withPartitions(2);
      Map<String, Object> inputs = Poems.inputs(List.of("sonnet"), "the sea", 1);

      List<StreamedChunk> heard = new CopyOnWriteArrayList<>();
      try (JobClient client =
          new JobClient(cluster, SchemaRegistryClient.builder(registry.url()).build())) {
        JobRequest job = JobClient.job("stream-kill", "poems").inputs(inputs).build();
        client.submit(job);
        JobResult result;
        try (ChunkSubscription stream =
            client.subscribe(job.getAppId(), job.getSubmittedAtMs(), heard::add)) {
          await().atMost(WAIT).until(() -> !heard.isEmpty());
          processes.kill("w-1");
          processes.startWorker("w-2", args, 4);
          processes.awaitReady("w-2");
          result = client.resultOf(job).get(WAIT.toSeconds(), TimeUnit.SECONDS);
          stream.drain(WAIT);
        }

        assertThat(result.status()).as("error %s", result.error()).isEqualTo(JobStatus.COMPLETED);
        State end = result.state();
        State local = Poems.application(new OfflinePoemModel()).run(inputs).state();
        assertThat(end).isEqualTo(local);

        List<StreamedChunk> first = attempt(heard, 1);
        List<StreamedChunk> second = attempt(heard, 2);
        assertThat(first).isNotEmpty().allSatisfy(c -> assertThat(c.workerId()).isEqualTo("w-1"));
        assertThat(second).isNotEmpty().allSatisfy(c -> assertThat(c.workerId()).isEqualTo("w-2"));
        assertThat(heard).allSatisfy(c -> assertThat(c.label()).isEqualTo("sonnet"));
        assertThat(heard.stream().map(c -> c.appId() + "/" + c.sequenceId()).distinct())
            .as("one step streamed, twice")
            .hasSize(1);
        String draft = end.<String>getList("proposals").get(0);
        assertThat(joined(first)).as("the first run stopped mid-draft").isNotEqualTo(draft);
        assertThat(draft).startsWith(joined(first));
        assertThat(joined(second)).as("the second run streamed the whole draft").isEqualTo(draft);
      }
    } finally {
      if (registry != null) {
        registry.close();
      }
    }
  }

  private static List<StreamedChunk> attempt(List<StreamedChunk> chunks, int attempt) {
    return chunks.stream().filter(c -> c.attempt() == attempt).toList();
  }

  private static String joined(List<StreamedChunk> chunks) {
    return chunks.stream().map(StreamedChunk::text).collect(Collectors.joining());
  }
}
