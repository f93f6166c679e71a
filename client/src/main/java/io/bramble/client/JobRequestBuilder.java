package io.bramble.client;

import io.bramble.core.state.State;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.JobRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds a {@link JobRequest}: a job ({@link JobClient#job}) or the resume of a halted app ({@link
 * JobClient#resumeOf}). Every request gets an id of its own, so the same request delivered twice
 * runs once.
 */
public final class JobRequestBuilder {
  private final JobRequest.Builder b;
  private final List<String> haltBefore = new ArrayList<>();
  private final List<String> haltAfter = new ArrayList<>();

  private JobRequestBuilder(String appId, String graph, boolean resume) {
    this.b =
        JobRequest.newBuilder()
            .setAppId(appId)
            .setGraph(graph)
            .setGraphVersion(null)
            .setPartitionKey(null)
            .setState(StateCodec.toAvro(State.empty()))
            .setInputs(StateCodec.fromMap(Map.of()))
            .setEntrypoint(null)
            .setResume(resume)
            .setRequestId(UUID.randomUUID().toString());
  }

  static JobRequestBuilder job(String appId, String graph) {
    return new JobRequestBuilder(appId, graph, false);
  }

  static JobRequestBuilder resume(String appId) {
    return new JobRequestBuilder(appId, "", true);
  }

  /** The cancel of job {@code appId}: nothing to add. */
  static JobRequestBuilder cancel(String appId) {
    JobRequestBuilder cancel = new JobRequestBuilder(appId, "", false);
    cancel.b.setCancel(true);
    return cancel;
  }

  /** The migration of job {@code appId} to version {@code version} of its graph. */
  static JobRequestBuilder migrate(String appId, String version) {
    JobRequestBuilder migrate = new JobRequestBuilder(appId, "", false);
    migrate.b.setMigrateTo(version);
    return migrate;
  }

  /** The state to start from (a job; the graph's default state fills the rest). */
  public JobRequestBuilder state(State state) {
    b.setState(StateCodec.toAvro(state));
    return this;
  }

  /** Inputs for the actions that declare them (a job's first run, or a resume's next step). */
  public JobRequestBuilder inputs(Map<String, ?> inputs) {
    b.setInputs(StateCodec.fromMap(inputs));
    return this;
  }

  /**
   * Pause in front of these actions (names or {@code @tag:NAME}, of the graph or any of its
   * sub-graphs): an app that gets there stops, HALTED, until it is resumed. On a resume: the halts
   * from then on (none given: the ones it had).
   */
  public JobRequestBuilder haltBefore(String... actions) {
    haltBefore.addAll(List.of(actions));
    return this;
  }

  /** Pause after these actions (as {@link #haltBefore}). */
  public JobRequestBuilder haltAfter(String... actions) {
    haltAfter.addAll(List.of(actions));
    return this;
  }

  /** Start at this action instead of the graph's entrypoint (a job). */
  public JobRequestBuilder entrypoint(String action) {
    b.setEntrypoint(action);
    return this;
  }

  /** The application's partition key, e.g. a user id (a job). */
  public JobRequestBuilder partitionKey(String key) {
    b.setPartitionKey(key);
    return this;
  }

  /** Run this version of the graph, refused if the cluster has another (a job). */
  public JobRequestBuilder graphVersion(String version) {
    b.setGraphVersion(version);
    return this;
  }

  /** The request, stamped with the time it is built. */
  public JobRequest build() {
    return b.setHaltBefore(List.copyOf(haltBefore))
        .setHaltAfter(List.copyOf(haltAfter))
        .setSubmittedAtMs(System.currentTimeMillis())
        .build();
  }
}
