package io.bramble.worker;

/**
 * Stops a task whose app was cancelled (its parallel step's join completed without it): the task
 * ends at its next step boundary and writes no outcome.
 */
final class TaskCancelledException extends RuntimeException {
  TaskCancelledException(String message) {
    super(message, null, false, false);
  }
}
