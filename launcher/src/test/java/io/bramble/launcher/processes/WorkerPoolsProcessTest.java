package io.bramble.launcher.processes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.application.Application;
import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.core.state.State;
import io.bramble.embedded.EmbeddedSchemaRegistry;
import io.bramble.examples.embeddings.Embeddings;
import io.bramble.runtime.ClusterConfig;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.schemas.registry.SchemaRegistryClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker pools as separate processes: the embeddings job waits while pool gpu has no worker, a gpu
 * worker started then takes its tasks, is killed with {@code kill -9} after its first embedding,
 * and another gpu worker started later finishes the job from the checkpoints. The default worker
 * never runs an embedding, the gpu workers run nothing else, no embedding that ended is run again,
 * and the job ends in the state of a local run. A worker of a pool no graph uses warns and runs.
 */
class WorkerPoolsProcessTest {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final List<String> DOCUMENTS =
      List.of("the sea at dawn", "a quiet harbour", "storm over the cliffs", "gulls and salt wind");
  private static final long EMBED_MS = 1_500;

  @Test
  void aGpuWorkerKilledMidJobIsReplacedByAnotherThatFinishesFromTheCheckpoints(@TempDir Path dir)
      throws Exception {
    EmbeddedSchemaRegistry registry = null;
    try (ProcessCluster processes = new ProcessCluster(dir, Map.of())) {
      String bootstrap = processes.startBroker(dir.resolve("kafka"), ProcessCluster.freePort(), 2);
      registry = EmbeddedSchemaRegistry.start(bootstrap, 0);
      List<String> args = ProcessCluster.clusterArgs(bootstrap, registry.url(), 2);
      List<String> gpu = List.of("--pools", "gpu", "--pool-concurrency", "gpu=1");
      processes.startCoordinator(args, dir.resolve("coordinator-state"));
      processes.awaitReady("coordinator");
      processes.startWorker("cpu", args, 4);
      processes.startWorker("tpu", args, 4, List.of("--pools", "tpu"));
      processes.awaitReady("cpu");
      processes.awaitReady("tpu");
      assertThat(Files.readString(processes.current("tpu").orElseThrow().err()))
          .as("a worker of a pool no loaded graph uses says so, and runs")
          .contains("warning: no loaded graph runs steps in pool tpu");
      ClusterConfig cluster = ClusterConfig.of(bootstrap, registry.url()).withPartitions(2);

      List<TrackingEvent> events = new CopyOnWriteArrayList<>();
      try (JobClient client =
          new JobClient(cluster, SchemaRegistryClient.builder(registry.url()).build())) {
        JobRequest job =
            JobClient.job("pools-kill", "embeddings")
                .state(Embeddings.initialState(DOCUMENTS, EMBED_MS))
                .build();
        client.submit(job);
        CompletableFuture<JobResult> result =
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return client.await(job, WAIT, null, events::add);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });

        TrackingEvent waiting = awaitEvent(events, e -> e.getKind() == EventKind.POOL_WAITING);
        assertThat(waiting.getPool()).isEqualTo("gpu");
        assertThat(result).isNotDone();

        processes.startWorker("gpu-1", args, 4, gpu);
        processes.awaitReady("gpu-1");
        TrackingEvent firstEmbed =
            awaitEvent(events, e -> embedEnded(e) && e.getWorkerId().equals("gpu-1"));
        // Once that child is back in the default pool, its embedding is surely checkpointed.
        awaitEvent(
            events,
            e ->
                e.getKind() == EventKind.STEP_END
                    && "store".equals(e.getAction())
                    && e.getAppId().equals(firstEmbed.getAppId()));
        processes.kill("gpu-1");
        List<String> embeddedBeforeTheKill =
            events.stream()
                .filter(e -> e.getKind() == EventKind.STEP_END && "store".equals(e.getAction()))
                .map(TrackingEvent::getAppId)
                .toList();
        assertThat(embeddedBeforeTheKill).hasSizeLessThan(DOCUMENTS.size());

        processes.startWorker("gpu-2", args, 4, gpu);
        processes.awaitReady("gpu-2");
        JobResult done = result.get(WAIT.toSeconds(), TimeUnit.SECONDS);

        assertThat(done.status()).as("error %s", done.error()).isEqualTo(JobStatus.COMPLETED);
        assertThat(done.state().userValues()).isEqualTo(localRun("pools-kill").userValues());
        Map<String, Set<String>> ran = new TreeMap<>();
        List<String> embeddedAfter = new ArrayList<>();
        for (TrackingEvent e : events) {
          if (e.getKind() == EventKind.STEP_END && e.getError() == null) {
            ran.computeIfAbsent(e.getWorkerId(), k -> new TreeSet<>()).add(e.getAction());
            if (embedEnded(e) && e.getWorkerId().equals("gpu-2")) {
              embeddedAfter.add(e.getAppId());
            }
          }
        }
        assertThat(ran.get("cpu"))
            .as("index_all: its reduce, a step on the worker of its pool")
            .containsExactlyInAnyOrder("index_all", "retrieve", "store", "report");
        assertThat(ran.get("gpu-1")).containsExactly("embed");
        assertThat(ran.get("gpu-2")).containsExactly("embed");
        assertThat(embeddedAfter)
            .as("the embeddings gpu-1 finished are not run again")
            .doesNotContainAnyElementsOf(embeddedBeforeTheKill)
            .hasSizeLessThanOrEqualTo(DOCUMENTS.size() - embeddedBeforeTheKill.size());
      }
    } finally {
      if (registry != null) {
        registry.close();
      }
    }
  }

  private static boolean embedEnded(TrackingEvent e) {
    return e.getKind() == EventKind.STEP_END && "embed".equals(e.getAction());
  }

  private static TrackingEvent awaitEvent(List<TrackingEvent> events, Predicate<TrackingEvent> p) {
    return await()
        .atMost(WAIT)
        .until(() -> events.stream().filter(p).findFirst(), Optional::isPresent)
        .orElseThrow();
  }

  private static State localRun(String appId) {
    try (ThreadPoolParallelExecutor threads = new ThreadPoolParallelExecutor(4)) {
      return Application.builder()
          .withGraph(Embeddings.graph())
          .withEntrypoint(Embeddings.ENTRYPOINT)
          .withState(Embeddings.initialState(DOCUMENTS, EMBED_MS))
          .withIdentifiers(appId, null)
          .withParallelExecutor(threads)
          .build()
          .run()
          .state();
    }
  }
}
