package io.bramble.core.registry;

import io.bramble.core.state.State;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * How a run of an older version of a graph continues on this one ({@link GraphProvider#migration}),
 * at a step boundary: its old position and state in, its new position and state out. Bramble moves
 * a job's apps one by one when an operator asks ({@code bramble migrate APP_ID --to VERSION}); an
 * app whose position this migration does not map stays on its version, and the refusal names the
 * app and the action.
 *
 * <p>For example, version 2 of a graph that renamed {@code draft} to {@code write} and reads a new
 * key {@code tone}:
 *
 * <pre>{@code
 * GraphMigration.renaming(Map.of("draft", "write"))
 *     .withState(state -> state.update("tone", "plain"))
 * }</pre>
 */
@FunctionalInterface
public interface GraphMigration {
  /** Migrates nothing: every run of another version stays there. */
  GraphMigration NONE = run -> Optional.empty();

  /**
   * A run of version {@code fromVersion} of the graph, at a step boundary: in front of {@code
   * nextAction} of its graph ({@code subGraph}'s, for a child; null for the graph itself), with
   * {@code state}.
   */
  record Run(String fromVersion, String subGraph, String nextAction, State state) {}

  /** Where a migrated run continues on this version: in front of {@code nextAction}. */
  record Continuation(String nextAction, State state) {}

  /** Where {@code run} continues on this version, or empty when its position cannot be mapped. */
  Optional<Continuation> migrate(Run run);

  /** Every run continues in front of the action of the same name, its state as it is. */
  static GraphMigration sameActions() {
    return run -> Optional.of(new Continuation(run.nextAction(), run.state()));
  }

  /**
   * Every run continues in front of the action {@code renamed} maps its next action to, or of the
   * same name when it maps it to nothing, its state as it is.
   */
  static GraphMigration renaming(Map<String, String> renamed) {
    Map<String, String> copy = Map.copyOf(renamed);
    return run ->
        Optional.of(
            new Continuation(copy.getOrDefault(run.nextAction(), run.nextAction()), run.state()));
  }

  /** This migration, and then {@code change} applied to the state of every run it maps. */
  default GraphMigration withState(UnaryOperator<State> change) {
    return run -> migrate(run).map(c -> new Continuation(c.nextAction(), change.apply(c.state())));
  }
}
