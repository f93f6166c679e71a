package io.bramble.core.application;

import io.bramble.core.parallel.ParallelExecutor;
import io.bramble.core.parallel.SubGraphTask;
import io.bramble.core.state.State;
import io.bramble.core.stream.ChunkListener;
import io.bramble.core.tracking.LifecycleHook;

/** Runs a child task to its end in this JVM, resuming from its persister when it has one. */
final class SubApplications {
  private SubApplications() {}

  /**
   * The child's final state; a child whose checkpoint says it already got to its end is not run
   * again. {@code beforeEachStep} may stop it at a step boundary by throwing; its partial results
   * go to {@code chunks}.
   */
  static State run(
      SubGraphTask task,
      ParallelExecutor executor,
      LifecycleHook beforeEachStep,
      ChunkListener chunks) {
    ApplicationBuilder b =
        Application.builder()
            .withGraph(task.graph().graph())
            .withIdentifiers(task.appId(), task.partitionKey())
            .withSpawningParent(task.parent())
            .withTracker(task.tracker())
            .withPersister(task.persister())
            .withHooks(beforeEachStep)
            .withParallelExecutor(executor)
            .withChunkListener(chunks);
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
