package io.bramble.core.persistence;

/** How a step ended: completed (continue after it) or failed (re-run it). */
public enum Status {
  COMPLETED,
  FAILED
}
