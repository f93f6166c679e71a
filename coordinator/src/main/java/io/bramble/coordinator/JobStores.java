package io.bramble.coordinator;

import io.bramble.schemas.avro.Cancellation;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.JobStatus;
import io.bramble.schemas.avro.StoredRef;
import io.bramble.schemas.avro.Task;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What the coordinator keeps of jobs, by app id (see {@link StoreNames} for each store): the
 * requests accepted, their results, the apps waiting for a resume and the resumes accepted, the
 * steps of each job's children, what each job's tree left behind, and the jobs cancelled.
 */
final class JobStores {
  final KeyValueStore<String, JobRequest> requests;
  final KeyValueStore<String, JobResult> results;
  final KeyValueStore<String, Task> halted;
  final KeyValueStore<String, String> resumes;
  final KeyValueStore<String, Long> childSteps;
  final JobTrees trees;
  final KeyValueStore<String, Cancellation> cancelled;
  final KeyValueStore<String, String> migrations;

  JobStores(ProcessorContext<?, ?> context) {
    requests = context.getStateStore(StoreNames.JOBS);
    results = context.getStateStore(StoreNames.JOB_RESULTS);
    halted = context.getStateStore(StoreNames.HALTED);
    resumes = context.getStateStore(StoreNames.RESUMES);
    childSteps = context.getStateStore(StoreNames.APP_STEPS);
    trees = new JobTrees(context.getStateStore(StoreNames.TREES));
    cancelled = context.getStateStore(StoreNames.CANCELLED);
    migrations = context.getStateStore(StoreNames.MIGRATIONS);
  }

  /** Whether job {@code rootAppId} was cancelled, as this partition knows (null: unknown root). */
  boolean isCancelled(String rootAppId) {
    return rootAppId != null && cancelled.get(rootAppId) != null;
  }

  /**
   * Why job {@code rootAppId} cannot be {@code done} (cancelled, migrated): no job has that id, or
   * it has ended; null when it runs or is halted.
   */
  String whyNotInFlight(String rootAppId, String done) {
    if (requests.get(rootAppId) == null) {
      return "no job has id "
          + rootAppId
          + " (a request names the app id the job was submitted with; its children go with it)";
    }
    JobResult known = results.get(rootAppId);
    if (known == null || known.getStatus() == JobStatus.HALTED) {
      return null;
    }
    return "job "
        + rootAppId
        + " is "
        + known.getStatus().name().toLowerCase(Locale.ROOT)
        + ": only a running or halted job can be "
        + done;
  }

  /**
   * Of {@code values}, stored by cancelled job {@code rootAppId}, those its result does not hold:
   * they can go.
   */
  List<StoredRef> unkept(String rootAppId, List<StoredRef> values) {
    Cancellation c = cancelled.get(rootAppId);
    return c == null
        ? values
        : values.stream().filter(v -> !c.getKept().contains(v.getKey())).toList();
  }

  /**
   * {@code task}, and when it runs a root, with the steps its job's children have run so far: what
   * the worker that ends the root counts in the job's result.
   */
  Task withChildSteps(Task task) {
    if (task.getParent() != null) {
      return task;
    }
    Long steps = childSteps.get(task.getRootAppId());
    return steps == null ? task : Task.newBuilder(task).setChildSteps(steps).build();
  }
}
