package io.bramble.worker;

import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.DeclaredInputs;
import io.bramble.runtime.Pauses;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.Task;

/**
 * A job's first task, as the coordinator publishes it: the coordinator reads no graph, so the task
 * names the graph and carries the submitted state, entrypoint and halts as given. The worker that
 * starts it completes it from the graph (its version, default state, entrypoint and default halts)
 * and makes the checks that need the graph (the entrypoint and the halts name actions, the inputs
 * are those its actions take: {@link DeclaredInputs}); a check that fails fails the job, naming the
 * problem.
 */
final class JobStart {
  private JobStart() {}

  /** Whether {@code task} starts a job: a root before its first step, not a reduce. */
  static boolean is(Task task) {
    return task.getParent() == null && task.getSequenceId() == 0 && task.getJoined() == null;
  }

  /**
   * {@code task} completed from its graph's {@code entry}. Applying it twice changes nothing: a job
   * whose entrypoint runs in another pool is completed here and again there.
   */
  static Task prepare(Task task, GraphRegistry.Entry entry) {
    GraphProvider provider = entry.provider();
    String entrypoint = task.getPosition() != null ? task.getPosition() : provider.entrypoint();
    try {
      Pauses.validate(task.getPauseBefore(), task.getPauseAfter(), entry);
      DeclaredInputs.of(entry.graph(), entrypoint)
          .check(StateCodec.toMap(task.getInputs()).keySet(), "the job");
    } catch (RuntimeException e) {
      throw new InvalidJobException(
          "job " + task.getAppId() + " of graph '" + entry.name() + "': " + e.getMessage());
    }
    State state = provider.defaultState().merge(StateCodec.toState(task.getState()));
    return Task.newBuilder(task)
        .setGraphVersion(entry.version())
        .setPosition(entrypoint)
        .setState(StateCodec.toAvro(state))
        .setHaltAfter(provider.defaultHaltAfter())
        .build();
  }

  /** A job refused before its first step: its request does not fit its graph. */
  static final class InvalidJobException extends IllegalArgumentException {
    InvalidJobException(String message) {
      super(message);
    }
  }
}
