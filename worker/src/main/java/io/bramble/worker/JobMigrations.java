package io.bramble.worker;

/** The graph version each job being migrated moves to ({@code bramble migrate}). */
public interface JobMigrations {
  /** No job is being migrated. */
  JobMigrations NONE = rootAppId -> null;

  /** The version job {@code rootAppId} moves to, or null when it is not being migrated. */
  String targetOf(String rootAppId);

  /**
   * Returns once every migration requested before {@code epochMs} is known (or after a bounded
   * wait): before a decision that cannot be taken back, such as handing a task written at {@code
   * epochMs} on to a lane that no worker with the version its job moves to reads.
   */
  default void catchUp(long epochMs) {}
}
