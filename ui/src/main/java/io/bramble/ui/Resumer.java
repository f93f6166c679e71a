package io.bramble.ui;

import java.util.Map;
import java.util.concurrent.TimeoutException;

/**
 * Continues a halted app from its page, as {@code bramble resume} does: the coordinator checks the
 * inputs against what the app's next actions declare and answers, and this returns its answer.
 */
public interface Resumer extends AutoCloseable {
  /** The coordinator's answer: the app runs again from {@code sequenceId}, {@code action}. */
  record Resumed(String appId, String rootAppId, long sequenceId, String action) {}

  /**
   * Resumes {@code appId} with {@code inputs}.
   *
   * @throws IllegalStateException the coordinator refused it, with its reason (not halted, an input
   *     no action takes, a required one missing)
   * @throws TimeoutException no answer in time
   */
  Resumed resume(String appId, Map<String, Object> inputs) throws TimeoutException;

  @Override
  default void close() {}
}
