package io.bramble.core.application;

import io.bramble.core.parallel.ParallelExecutor;
import io.bramble.core.parallel.SubGraphTask;
import io.bramble.core.state.State;

/** Runs a child task to its end in this JVM, resuming from its persister when it has one. */
final class SubApplications {
  private SubApplications() {}

  /**
   * The child's final state; a child whose checkpoint says it already got to its end is not run
   * again.
   */
  static State run(SubGraphTask task, ParallelExecutor executor) {
    ApplicationBuilder b =
        Application.builder()
            .withGraph(task.graph().graph())
            .withIdentifiers(task.appId(), task.partitionKey())
            .withSpawningParent(task.parent())
            .withTracker(task.tracker())
            .withPersister(task.persister())
            .withParallelExecutor(executor);
    if (task.persister() != null) { // with nothing saved, the task's state and entrypoint
      b.initializeFrom(task.persister(), true, task.state(), task.graph().entrypoint());
    } else {
      b.withState(task.state()).withEntrypoint(task.graph().entrypoint());
    }
    Application child = b.build();
    Halt halt = Halt.after(task.graph().haltAfter().toArray(String[]::new));
    if (child.restored && child.seam().isDone(halt)) {
      return child.state();
    }
    return child.run(halt, task.inputs()).state();
  }
}
