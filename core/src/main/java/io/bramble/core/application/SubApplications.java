package io.bramble.core.application;

import io.bramble.core.parallel.ParallelExecutor;
import io.bramble.core.parallel.SubGraphTask;
import io.bramble.core.state.State;
import java.util.List;

/** Runs a child task to its end in this JVM, resuming from its persister when it has one. */
public final class SubApplications {
  private SubApplications() {}

  /** Builds the child's application: fresh, or resumed from the task's persister. */
  private static Application build(SubGraphTask task, ParallelExecutor executor) {
    ApplicationBuilder b = Application.builder()
        .withGraph(task.graph().graph())
        .withIdentifiers(task.appId(), task.partitionKey())
        .withSpawningParent(task.parent())
        .withTracker(task.tracker())
        .withPersister(task.persister())
        .withParallelExecutor(executor);
    if (task.persister() != null) {
      b.initializeFrom(task.persister(), true, task.state(), task.graph().entrypoint());
    } else {
      b.withState(task.state()).withEntrypoint(task.graph().entrypoint());
    }
    return b.build();
  }

  /**
   * True when a resumed child already ran to its end: its last completed step is a halt-after
   * action, or nothing follows it.
   */
  private static boolean isFinished(Application child, List<String> haltAfter) {
    String prior = child.priorAction();
    return prior != null && (!child.hasNext() || haltAfter.contains(prior));
  }

  /** The child's final state; a completed child (per its checkpoint) is not run again. */
  public static State run(SubGraphTask task, ParallelExecutor executor) {
    Application child = build(task, executor);
    List<String> haltAfter = task.graph().haltAfter();
    if (isFinished(child, haltAfter)) {
      return child.state();
    }
    return child.run(List.of(), haltAfter, task.inputs()).state();
  }
}
