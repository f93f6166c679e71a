package io.bramble.core.parallel;

/**
 * The class style of parallel action: subclass it, declare reads and writes, and implement {@link
 * #tasks} (build each child with {@link SubGraphTask#of}) and {@link #reduce}. Override {@link
 * #childTracker()} or {@link #childPersister()} to turn cascading off or replace it.
 */
public abstract class TaskBasedParallelAction implements ParallelAction {
  private final String name;

  protected TaskBasedParallelAction(String name) {
    this.name = name;
  }

  @Override
  public final String name() {
    return name;
  }

  @Override
  public String toString() {
    return getClass().getSimpleName() + "(" + name + ")";
  }
}
