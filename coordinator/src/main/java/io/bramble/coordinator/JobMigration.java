package io.bramble.coordinator;

import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.avro.Migration;

/**
 * Moves a job to another version of its graph at a client's request. Refused, naming why, when no
 * job has that root id or the job has ended; otherwise every worker is told (a record on the
 * migrations topic, which only the coordinator writes), and each app of the job's tree moves at its
 * next step boundary, on a worker that has the version: the graph's migration is user code, so a
 * worker runs it, and an app it cannot map stays where it is, its refusal reported by that worker.
 * The record goes when the job ends.
 */
final class JobMigration {
  private final JobStores jobs;
  private final Emitter out;

  JobMigration(JobStores jobs, Emitter out) {
    this.jobs = jobs;
    this.out = out;
  }

  /** A client's request to move job {@code rootAppId}, answered with an event naming it. */
  void request(String rootAppId, JobRequest request, long nowMs, long timestamp) {
    String requestId = request.getRequestId() == null ? "" : request.getRequestId();
    String version = request.getMigrateTo();
    String refused =
        version.isBlank()
            ? "a migration names the graph version to move the job to"
            : jobs.whyNotInFlight(rootAppId, "migrated");
    if (refused != null) {
      out.emit(
          Sinks.EVENTS,
          rootAppId,
          TrackingEvents.migrateRefused(rootAppId, requestId, refused, Events.PROCESS, nowMs),
          timestamp);
      return;
    }
    if (!version.equals(jobs.migrations.get(rootAppId))) {
      jobs.migrations.put(rootAppId, version);
      out.emit(Sinks.MIGRATIONS, rootAppId, new Migration(rootAppId, version, nowMs), timestamp);
    }
    out.emit(
        Sinks.EVENTS,
        rootAppId,
        TrackingEvents.migrating(rootAppId, requestId, version, Events.PROCESS, nowMs),
        timestamp);
  }

  /** Job {@code rootAppId} has ended: what the migrations topic says of it goes. */
  static void ended(JobStores jobs, Emitter out, String rootAppId, long timestamp) {
    if (jobs.migrations.get(rootAppId) != null) {
      jobs.migrations.delete(rootAppId);
      out.emit(Sinks.MIGRATIONS, rootAppId, null, timestamp);
    }
  }
}
