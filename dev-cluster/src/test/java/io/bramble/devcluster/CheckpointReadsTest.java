package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.TopicReader;
import io.bramble.worker.Worker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Workers that scale out: each reads the checkpoints of the task partitions it owns and no others,
 * so the cluster reads the checkpoint stream once, and each forgets the apps of a finished job.
 */
class CheckpointReadsTest {
  private static final int WORKERS = 3;
  private static final int PARTITIONS = 6;

  @TempDir Path dir;

  @Test
  void eachWorkerReadsExactlyTheCheckpointsOfItsOwnPartitionsAndHoldsNoneOnceTheJobIsDone()
      throws Exception {
    try (DevCluster cluster =
            DevCluster.start(dir, GraphRegistry.of(new TestGraphs.FanOut()), WORKERS, PARTITIONS);
        JobClient client = cluster.client()) {
      List<Worker> workers = cluster.workers();
      await(
          "every worker owns 2 of the 6 task partitions",
          () -> workers.stream().allMatch(w -> w.assignment().size() == PARTITIONS / WORKERS));

      client.submit(
          JobClient.request("reads-1", "fanout", State.of("n", 60, "sleep_ms", 0), Map.of()));
      JobResult result = client.await("reads-1", Duration.ofMinutes(2), null);
      assertThat(result.status()).as("error: %s", result.error()).isEqualTo(JobStatus.COMPLETED);

      String topic = cluster.cluster().topics().checkpoints();
      await(
          "the workers have read every checkpoint record, tombstones included",
          () ->
              workers.stream().mapToLong(Worker::checkpointRecordsRead).sum()
                  == TopicReader.readAll(cluster.cluster(), topic, Duration.ofSeconds(30)).size());
      Map<Integer, Long> perPartition =
          TopicReader.readAll(cluster.cluster(), topic, Duration.ofSeconds(30)).stream()
              .collect(Collectors.groupingBy(ConsumerRecord::partition, Collectors.counting()));
      long total = perPartition.values().stream().mapToLong(Long::longValue).sum();
      assertThat(total)
          .as("61 apps: at least a checkpoint and its tombstone each")
          .isGreaterThanOrEqualTo(2 * 61);
      for (Worker w : workers) {
        long own =
            w.assignment().stream()
                .map(TopicPartition::partition)
                .mapToLong(p -> perPartition.getOrDefault(p, 0L))
                .sum();
        assertThat(w.checkpointRecordsRead())
            .as("checkpoint records read by %s (owning %s)", w.workerId(), w.assignment())
            .isEqualTo(own)
            .isLessThan(total);
      }
      await(
          "every worker has forgotten the job's apps",
          () -> workers.stream().allMatch(w -> w.checkpointAppsHeld() == 0));
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within 60 s: " + what);
      }
      Thread.sleep(100);
    }
  }
}
