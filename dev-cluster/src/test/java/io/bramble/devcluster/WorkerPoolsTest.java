package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.application.Application;
import io.bramble.core.parallel.ThreadPoolParallelExecutor;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.examples.embeddings.Embeddings;
import io.bramble.examples.registry.EmbeddingsGraphProvider;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.TrackingEvent;
import io.bramble.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Worker pools on the dev cluster: the embeddings graph runs each child's {@code embed} step in
 * pool gpu and its other steps in the default pool; each worker runs only its pools' steps, and a
 * pool without workers holds its tasks until one starts.
 */
class WorkerPoolsTest {
  private static final Duration WAIT = Duration.ofMinutes(2);
  private static final List<String> DOCUMENTS =
      List.of("the sea at dawn", "a quiet harbour", "storm over the cliffs");

  @TempDir Path dir;
  private DevCluster cluster;

  private DevCluster start() {
    cluster = DevCluster.start(dir, GraphRegistry.of(new EmbeddingsGraphProvider()), 0, 2);
    return cluster;
  }

  @AfterEach
  void stop() {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static JobRequest job(String appId) {
    return JobClient.job(appId, "embeddings").state(Embeddings.initialState(DOCUMENTS, 0)).build();
  }

  /** Which actions each process ran, from the steps' end events. */
  private static Map<String, Set<String>> actionsByProcess(List<TrackingEvent> events) {
    Map<String, Set<String>> ran = new TreeMap<>();
    for (TrackingEvent e : events) {
      if (e.getKind() == EventKind.STEP_END) {
        ran.computeIfAbsent(e.getWorkerId(), k -> new TreeSet<>()).add(e.getAction());
      }
    }
    return ran;
  }

  private static State localRun(String appId) {
    try (ThreadPoolParallelExecutor threads = new ThreadPoolParallelExecutor(4)) {
      return Application.builder()
          .withGraph(Embeddings.graph())
          .withEntrypoint(Embeddings.ENTRYPOINT)
          .withState(Embeddings.initialState(DOCUMENTS, 0))
          .withIdentifiers(appId, null)
          .withParallelExecutor(threads)
          .build()
          .run()
          .state();
    }
  }

  @Test
  void eachWorkerRunsOnlyItsPoolsStepsAndTheJobEndsInTheLocalRunsState() throws Exception {
    start();
    Worker cpu = cluster.startWorker("default");
    Worker gpu = cluster.startWorker("gpu");
    List<TrackingEvent> events = new CopyOnWriteArrayList<>();
    JobResult result;
    try (JobClient client = cluster.client()) {
      JobRequest job = job("pools-1");
      client.submit(job);
      result = client.await(job, WAIT, null, events::add);
    }

    assertThat(result.status()).as("error %s", result.error()).isEqualTo(JobStatus.COMPLETED);
    assertThat(result.state().userValues()).isEqualTo(localRun("pools-1").userValues());
    Map<String, Set<String>> ran = actionsByProcess(events);
    assertThat(ran.get(gpu.workerId())).containsExactly("embed");
    assertThat(ran.get(cpu.workerId()))
        .as("index_all: its reduce, a step on the worker of its pool")
        .containsExactlyInAnyOrder("index_all", "retrieve", "store", "report");
    long embeds =
        events.stream()
            .filter(e -> e.getKind() == EventKind.STEP_END && "embed".equals(e.getAction()))
            .peek(e -> assertThat(e.getPool()).isEqualTo("gpu"))
            .count();
    assertThat(embeds).isEqualTo(DOCUMENTS.size());
  }

  @Test
  void aPoolWithoutWorkersHoldsItsTasksAndSaysSoUntilAWorkerOfItStarts() throws Exception {
    start();
    cluster.startWorker("default");
    List<TrackingEvent> events = new CopyOnWriteArrayList<>();
    List<JobClient.Progress> progress = new CopyOnWriteArrayList<>();
    try (JobClient client = cluster.client()) {
      JobRequest job = job("pools-2");
      client.submit(job);
      CompletableFuture<JobResult> result =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  return client.await(job, WAIT, progress::add, events::add);
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });

      TrackingEvent waiting = awaitEvent(events, EventKind.POOL_WAITING);
      assertThat(waiting.getPool()).isEqualTo("gpu");
      assertThat(waiting.getLag()).isEqualTo(DOCUMENTS.size());
      assertThat(progress)
          .anySatisfy(p -> assertThat(p.waitingForPools()).containsEntry("gpu", 3L));
      assertThat(cluster.meters().scrape())
          .contains("bramble_pool_workers{pool=\"gpu\"} 0.0")
          .containsPattern("bramble_pool_lag\\{pool=\"gpu\"} [1-9]");
      assertThat(result).isNotDone();

      cluster.startWorker("gpu");
      JobResult done = result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
      assertThat(done.status()).as("error %s", done.error()).isEqualTo(JobStatus.COMPLETED);
      assertThat(done.state().userValues()).isEqualTo(localRun("pools-2").userValues());

      // The pool's worker is seen, and the job told: its events, read again from the start.
      await()
          .atMost(WAIT)
          .until(
              () -> cluster.meters().scrape().contains("bramble_pool_workers{pool=\"gpu\"} 1.0"));
      List<TrackingEvent> again = new CopyOnWriteArrayList<>();
      client.await(job.getAppId(), WAIT, null, again::add);
      assertThat(awaitEvent(again, EventKind.POOL_SERVED).getPool()).isEqualTo("gpu");
    }
  }

  private static TrackingEvent awaitEvent(List<TrackingEvent> events, EventKind kind) {
    return await()
        .atMost(WAIT)
        .until(
            () -> events.stream().filter(e -> e.getKind() == kind).findFirst(), Optional::isPresent)
        .orElseThrow();
  }
}
