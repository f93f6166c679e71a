package io.bramble.core.parallel;

import io.bramble.core.action.ActionContext;
import io.bramble.core.persistence.Persister;
import io.bramble.core.state.State;
import io.bramble.core.state.StateInternals;
import io.bramble.core.tracking.ParentPointer;
import io.bramble.core.tracking.Tracker;
import java.util.Map;

/**
 * One child application of a parallel step: what to run ({@code graph}) on which state and inputs,
 * under which id, with which tracker and persister (either may be null). A child starts fresh: its
 * state never carries internal keys (a parent's {@code __PRIOR_STEP} would make a new child look
 * finished).
 */
public record SubGraphTask(
    String key,
    RunnableGraph graph,
    State state,
    Map<String, Object> inputs,
    String appId,
    String partitionKey,
    ParentPointer parent,
    Tracker tracker,
    Persister persister) {

  public SubGraphTask {
    state = StateInternals.withoutInternal(state);
    inputs = Map.copyOf(inputs);
  }

  /**
   * A child of the step described by {@code context}: its id is derived from the parent's id, the
   * step's sequence id and {@code key}; it inherits partition key, tracker and persister, and
   * starts from {@code state} without the parent's internal keys.
   */
  public static SubGraphTask of(
      ActionContext context,
      String key,
      RunnableGraph graph,
      State state,
      Map<String, Object> inputs) {
    return new SubGraphTask(
        key,
        graph,
        state,
        inputs,
        ChildIds.of(context.appId(), context.sequenceId(), key),
        context.partitionKey(),
        new ParentPointer(context.appId(), context.partitionKey(), context.sequenceId()),
        context.tracker() == null ? null : context.tracker().copy(),
        context.persister() == null ? null : context.persister().copy());
  }

  /**
   * This child under an explicit {@code appId} (ids from {@link #of} are derived from the parent
   * step).
   */
  public SubGraphTask withAppId(String appId) {
    return new SubGraphTask(
        key, graph, state, inputs, appId, partitionKey, parent, tracker, persister);
  }
}
