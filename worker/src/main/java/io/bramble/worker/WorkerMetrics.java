package io.bramble.worker;

import io.bramble.core.tracking.LifecycleHook;
import io.bramble.core.tracking.StepEnd;
import io.bramble.schemas.avro.ResultStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A worker's meters, kept beside the task loop rather than inside it: task outcomes, in-flight
 * tasks, child retries and, as a hook on every application, step durations per action.
 */
final class WorkerMetrics {
  private final MeterRegistry registry;
  private final Counter started;
  private final Counter completed;
  private final Counter failed;
  private final Counter fannedOut;
  private final Counter retried;
  private final Counter deadLettered;
  private final Counter badCheckpoints;
  private final Counter cancelled;
  private final Counter handedOn;
  private final Counter forwarded;
  private final Counter streamed;
  private final Map<List<String>, Timer> stepTimers = new ConcurrentHashMap<>();
  private final AtomicInteger inFlight = new AtomicInteger();

  WorkerMetrics(MeterRegistry registry, String workerId) {
    this.registry = registry;
    this.started =
        Counter.builder("bramble.tasks.started")
            .description("Tasks taken up")
            .tag("worker", workerId)
            .register(registry);
    this.completed =
        Counter.builder("bramble.tasks.completed")
            .description("Tasks that ran to their end or a halt")
            .tag("worker", workerId)
            .register(registry);
    this.failed =
        Counter.builder("bramble.tasks.failed")
            .description("Tasks that reported a failure")
            .tag("worker", workerId)
            .register(registry);
    this.fannedOut =
        Counter.builder("bramble.tasks.fanned.out")
            .description("Tasks that stopped at a parallel action")
            .tag("worker", workerId)
            .register(registry);
    this.retried =
        Counter.builder("bramble.tasks.retried")
            .description("Child applications tried again after a failure")
            .tag("worker", workerId)
            .register(registry);
    this.deadLettered =
        Counter.builder("bramble.tasks.dead.lettered")
            .description("Task records that could not be decoded")
            .tag("worker", workerId)
            .register(registry);
    this.badCheckpoints =
        Counter.builder("bramble.checkpoints.dead.lettered")
            .description("Checkpoint records that could not be decoded")
            .tag("worker", workerId)
            .register(registry);
    this.handedOn =
        Counter.builder("bramble.tasks.handed.on")
            .description(
                "Tasks of a graph version this worker does not have, handed on to its lane")
            .tag("worker", workerId)
            .register(registry);
    this.forwarded =
        Counter.builder("bramble.tasks.forwarded")
            .description(
                "Tasks that went on as a new task at a step boundary: their app moved to another"
                    + " graph version (bramble migrate), or stayed on its own, its move refused")
            .tag("worker", workerId)
            .register(registry);
    this.cancelled =
        Counter.builder("bramble.tasks.cancelled")
            .description(
                "Tasks skipped or stopped at a step boundary because their app was cancelled")
            .tag("worker", workerId)
            .register(registry);
    this.streamed =
        Counter.builder("bramble.stream.records")
            .description("Records of partial results written to the streams topic (coalesced)")
            .tag("worker", workerId)
            .register(registry);
    registry.gauge("bramble.tasks.in.flight", Tags.of("worker", workerId), inFlight);
  }

  void streamed() {
    streamed.increment();
  }

  void started() {
    started.increment();
    inFlight.incrementAndGet();
  }

  void finished(TaskOutcome outcome) {
    inFlight.decrementAndGet();
    if (outcome instanceof TaskOutcome.FannedOut) {
      fannedOut.increment();
    } else if (outcome instanceof TaskOutcome.Forwarded) {
      forwarded.increment();
    } else if (outcome instanceof TaskOutcome.Finished f
        && f.result().getStatus() == ResultStatus.FAILED) {
      failed.increment();
    } else {
      completed.increment();
    }
  }

  void abandoned() {
    inFlight.decrementAndGet();
  }

  void cancelled() {
    cancelled.increment();
  }

  /** Tasks of cancelled apps skipped or stopped. */
  long tasksCancelled() {
    return (long) cancelled.count();
  }

  void handedOn() {
    handedOn.increment();
  }

  /** Tasks handed on to the lane of their graph version. */
  long tasksHandedOn() {
    return (long) handedOn.count();
  }

  void retried() {
    retried.increment();
  }

  void checkpointDeadLettered() {
    badCheckpoints.increment();
  }

  void deadLettered() {
    deadLettered.increment();
  }

  /** Times every step, per graph and action. */
  LifecycleHook stepTimer(String graph) {
    return new LifecycleHook() {
      @Override
      public void afterStep(StepEnd step) {
        String outcome = step.error() == null ? "ok" : "error";
        // Looked up once per graph, action and outcome: building and registering a timer per step
        // was 2 % of a worker's CPU in a JFR profile of bench throughput.
        stepTimers
            .computeIfAbsent(
                List.of(graph, step.action(), outcome),
                k ->
                    Timer.builder("bramble.step.duration")
                        .description("How long steps take")
                        .tag("graph", graph)
                        .tag("action", step.action())
                        .tag("outcome", outcome)
                        .publishPercentileHistogram()
                        .register(registry))
            .record(Duration.ofMillis(step.endedAtMs() - step.startedAtMs()));
      }
    };
  }
}
