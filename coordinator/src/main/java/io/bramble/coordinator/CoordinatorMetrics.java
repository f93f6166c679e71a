package io.bramble.coordinator;

import io.bramble.schemas.avro.FanOut;
import io.bramble.schemas.avro.JobResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/** The coordinator's meters, told about jobs and joins as they end. */
final class CoordinatorMetrics {
  private final Counter jobsCompleted;
  private final Counter jobsFailed;
  private final Counter jobsCancelled;
  private final Timer jobDuration;
  private final Counter joinsCompleted;
  private final Counter childResults;
  private final Timer joinWait;

  CoordinatorMetrics(MeterRegistry registry) {
    jobsCompleted =
        Counter.builder("bramble.jobs.completed")
            .description("Jobs that completed")
            .register(registry);
    jobsFailed =
        Counter.builder("bramble.jobs.failed").description("Jobs that failed").register(registry);
    jobsCancelled =
        Counter.builder("bramble.jobs.cancelled")
            .description("Jobs cancelled at a client's request")
            .register(registry);
    jobDuration =
        Timer.builder("bramble.job.duration")
            .description("From submission to result")
            .publishPercentileHistogram()
            .register(registry);
    joinsCompleted =
        Counter.builder("bramble.joins.completed")
            .description("Joins completed and handed to a worker to reduce")
            .register(registry);
    childResults =
        Counter.builder("bramble.join.results")
            .description("Children's results counted into their joins")
            .register(registry);
    joinWait =
        Timer.builder("bramble.join.wait")
            .description("From a fan-out to its join's completion")
            .publishPercentileHistogram()
            .register(registry);
  }

  void jobFinished(JobResult result) {
    switch (result.getStatus()) {
      case COMPLETED -> jobsCompleted.increment();
      case CANCELLED -> jobsCancelled.increment();
      default -> jobsFailed.increment();
    }
    if (result.getSubmittedAtMs() > 0) {
      jobDuration.record(
          Duration.ofMillis(Math.max(0, result.getFinishedAtMs() - result.getSubmittedAtMs())));
    }
  }

  void childJoined() {
    childResults.increment();
  }

  void joinFinished(FanOut join, long nowMs) {
    joinsCompleted.increment();
    if (join.getCreatedAtMs() > 0) {
      joinWait.record(Duration.ofMillis(Math.max(0, nowMs - join.getCreatedAtMs())));
    }
  }
}
