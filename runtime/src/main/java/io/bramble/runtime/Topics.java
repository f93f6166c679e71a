package io.bramble.runtime;

import io.bramble.schemas.BrambleSchemas;
import java.util.List;

/** Bramble's topic names under one prefix (default {@code bramble.}). */
public record Topics(String prefix) {
  public static final String DEFAULT_PREFIX = BrambleSchemas.DEFAULT_TOPIC_PREFIX;

  public static Topics defaults() {
    return new Topics(DEFAULT_PREFIX);
  }

  public String jobs() {
    return prefix + "jobs";
  }

  public String tasks() {
    return prefix + "tasks";
  }

  public String fanouts() {
    return prefix + "fanouts";
  }

  public String results() {
    return prefix + "results";
  }

  public String checkpoints() {
    return prefix + "checkpoints";
  }

  public String jobResults() {
    return prefix + "job-results";
  }

  public String events() {
    return prefix + "events";
  }

  public String dlq() {
    return prefix + "dlq";
  }

  public List<String> all() {
    return List.of(
        jobs(), tasks(), fanouts(), results(), checkpoints(), jobResults(), events(), dlq());
  }

  /** Topics compacted by key: only the latest record per app id matters. */
  public List<String> compacted() {
    return List.of(checkpoints(), jobResults());
  }
}
