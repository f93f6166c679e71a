package io.bramble.coordinator;

/** Names of the topology's sinks, which processors forward to. */
final class Sinks {
  static final String TASKS = "tasks-sink";
  static final String CANCELLATIONS = "cancellations-sink";
  static final String MIGRATIONS = "migrations-sink";
  static final String RESULTS = "results-sink";
  static final String JOB_RESULTS = "job-results-sink";
  static final String EVENTS = "events-sink";
  static final String DLQ = "dlq-sink";
  static final String CHECKPOINTS = "checkpoints-sink";
  static final String JOINED = "joined-sink";

  private Sinks() {}
}
