package io.bramble.core.tracking;

/** Callbacks around an application's life; every method is optional. */
public interface LifecycleHook {
  default void onApplicationCreated(ApplicationInfo app) {}

  default void beforeStep(StepStart step) {}

  default void afterStep(StepEnd step) {}

  /** A parallel step launched a child application. */
  default void onSpawn(SpawnLink link) {}

  /** The application ended, failed for good or halted. */
  default void onApplicationEnded(ApplicationEnd end) {}
}
