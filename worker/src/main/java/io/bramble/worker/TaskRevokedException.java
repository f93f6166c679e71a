package io.bramble.worker;

/**
 * The task's partition moved to another worker; this worker stops the task without reporting it.
 */
final class TaskRevokedException extends RuntimeException {
  TaskRevokedException(String message) {
    super(message);
  }
}
