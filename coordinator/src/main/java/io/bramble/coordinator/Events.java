package io.bramble.coordinator;

/** How the coordinator signs the tracking events it publishes. */
final class Events {
  static final String PROCESS = "coordinator";

  private Events() {}
}
