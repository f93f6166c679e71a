package io.bramble.worker;

import io.bramble.core.registry.GraphMigration;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.runtime.Pauses;
import io.bramble.runtime.Records;
import io.bramble.runtime.TrackingEvents;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.ValueFetcher;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.avro.TrackingEvent;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Moves an app, at a step boundary, to the version of its graph its job is being migrated to, with
 * that version's {@link GraphMigration} (user code: it runs here, on a worker, with its version's
 * class loader). An app whose position the migration does not map, or maps to no action of the new
 * version, stays on its version, marked so that it is not tried again; either way an event says
 * what became of it (the refusal names the app and the action).
 */
final class AppMigration {
  private final GraphRegistry registry;
  private final JobMigrations targets;
  private final Consumer<TrackingEvent> events;
  private final String process;

  /**
   * Moves apps between the versions of {@code registry} as {@code targets} say; tells {@code
   * events}.
   */
  AppMigration(
      GraphRegistry registry,
      JobMigrations targets,
      Consumer<TrackingEvent> events,
      String process) {
    this.registry = registry;
    this.targets = targets;
    this.events = events;
    this.process = process;
  }

  /** Moves nothing. */
  static AppMigration none(GraphRegistry registry) {
    return new AppMigration(registry, JobMigrations.NONE, e -> {}, "worker");
  }

  /**
   * The version {@code task}'s app moves to at its next step boundary, or null: its job is not
   * being migrated, or the app is there already, or was refused there, or this worker lacks the
   * version (a worker that has it moves the app).
   */
  String targetFor(Task task) {
    String target = targets.targetOf(task.getRootAppId());
    if (target == null
        || task.getGraphVersion() == null
        || target.equals(task.getGraphVersion())
        || target.equals(task.getMigrationRefused())
        || !registry.has(task.getGraph(), target)) {
      return null;
    }
    return target;
  }

  /**
   * Whether the app running in {@code task} stops at its next step boundary to move, decided once
   * the job's migration is seen (not again at each boundary, so one run takes one decision).
   */
  Boundary boundaryOf(Task task) {
    return new Boundary(task);
  }

  /** Where one run of an app stands with its job's migration. */
  final class Boundary {
    private final Task task;
    private String target;
    private boolean refused;

    private Boundary(Task task) {
      this.task = task;
    }

    /** Whether the app moves at this step boundary. */
    boolean stops() {
      if (target == null && !refused) {
        target = targetFor(task);
      }
      return target != null && !refused;
    }

    /** The version it moves to, once {@link #stops} said it does. */
    String target() {
      return target;
    }

    /** Its move was refused: the run goes on. */
    void refused() {
      refused = true;
    }
  }

  /**
   * As {@link #targetFor}, once every migration requested before {@code writtenAtMs} (when {@code
   * task}'s record was written) is known: for a task this worker would hand on to its version's
   * lane.
   */
  String targetForTaskWrittenAt(Task task, long writtenAtMs) {
    if (targets.targetOf(task.getRootAppId()) == null) {
      targets.catchUp(writtenAtMs);
    }
    return targetFor(task);
  }

  /**
   * {@code at}, an app at a step boundary (its position the next action, its state as it stands),
   * moved to version {@code target}: in front of the action and with the state the migration gives,
   * in that action's pool; or, refused, as it is, marked refused.
   */
  Task migrate(Task at, String target, ValueFetcher values) {
    GraphRegistry.Entry to = registry.get(at.getGraph(), target);
    String from = at.getGraphVersion();
    State state = StateCodec.toState(at.getState(), values);
    Optional<GraphMigration.Continuation> mapped;
    try {
      GraphMigration.Run run =
          new GraphMigration.Run(from, at.getSubGraph(), at.getPosition(), state);
      mapped = GraphCode.call(to, () -> to.provider().migration().migrate(run));
    } catch (RuntimeException e) {
      return refused(at, target, "its migration failed: " + e);
    }
    if (mapped == null
        || mapped.isPresent()
            && (mapped.get().nextAction() == null || mapped.get().state() == null)) {
      return refused(
          at, target, "version " + target + "'s migration returned null where it maps a run");
    }
    if (mapped.isEmpty()) {
      return refused(
          at,
          target,
          "version " + target + "'s migration maps no run in front of '" + at.getPosition() + "'");
    }
    String next = mapped.get().nextAction();
    String where;
    try {
      if (!to.resolve(at.getSubGraph()).graph().hasAction(next)) {
        return refused(
            at,
            target,
            "version "
                + target
                + "'s migration maps it to '"
                + next
                + "', which it has no action of");
      }
      where = to.stepPool(at.getSubGraph(), next);
    } catch (RuntimeException noSubGraph) {
      return refused(at, target, noSubGraph.getMessage());
    }
    // The job's halts that name actions the new version no longer has cannot happen there.
    List<String> names = Pauses.names(to);
    Task moved =
        Task.newBuilder(
                Records.continuing(at, next, at.getSequenceId(), mapped.get().state(), where))
            .setGraphVersion(target)
            .setMigrationRefused(null)
            .setHaltBefore(known(at.getHaltBefore(), names))
            .setHaltAfter(known(at.getHaltAfter(), names))
            .setPauseBefore(known(at.getPauseBefore(), names))
            .setPauseAfter(known(at.getPauseAfter(), names))
            .setHaltNames(at.getHaltNames().isEmpty() ? List.of() : names)
            .build();
    events.accept(
        TrackingEvents.migrated(
            at.getAppId(),
            at.getRootAppId(),
            from,
            target,
            at.getPosition(),
            next,
            process,
            System.currentTimeMillis()));
    return moved;
  }

  private static List<String> known(List<String> halts, List<String> names) {
    return halts.stream().filter(names::contains).toList();
  }

  private Task refused(Task at, String target, String why) {
    String reason =
        "app "
            + at.getAppId()
            + " in front of action '"
            + at.getPosition()
            + "' of graph '"
            + at.getGraph()
            + "' version "
            + at.getGraphVersion()
            + " stays there: "
            + why;
    events.accept(
        TrackingEvents.migrationRefused(
            at.getAppId(),
            at.getRootAppId(),
            at.getGraphVersion(),
            target,
            at.getPosition(),
            reason,
            process,
            System.currentTimeMillis()));
    return Task.newBuilder(at).setMigrationRefused(target).build();
  }
}
