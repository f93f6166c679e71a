package io.bramble.launcher.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.bramble.core.application.ActionFailedException;
import io.bramble.core.application.Application;
import io.bramble.core.application.ApplicationBuilder;
import io.bramble.core.application.ApplicationException;
import io.bramble.core.application.Halt;
import io.bramble.core.application.RunResult;
import io.bramble.core.persistence.JdbcPersister;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.core.state.StateJson;
import io.bramble.core.tracking.LocalFileTracker;
import io.bramble.core.tracking.Tracker;
import io.bramble.launcher.LauncherContext;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs one application for {@code bramble run}: tracking, persistence and resume, output. */
final class ApplicationRun {
  private final LauncherContext context;
  private final RunOptions options;

  ApplicationRun(LauncherContext context, RunOptions options) {
    this.context = context;
    this.options = options;
  }

  /**
   * Runs {@code entry}'s graph from its entrypoint on {@code initialState} with {@code inputs} (or,
   * with --persist, resumes where the app id's last run stopped) and prints the final state's
   * result keys as JSON, after the provider's summary of it unless --quiet.
   */
  int run(GraphRegistry.Entry entry, State initialState, Map<String, Object> inputs) {
    GraphProvider provider = entry.provider();
    if (options.distributed) {
      return new DistributedRun(context, options).run(entry, initialState, inputs);
    }
    PrintStream out = context.out();
    Tracker tracker =
        Trackers.of(
            options.quiet ? null : new ProgressPrinter(out, provider::childLabel),
            options.trackerDir == null ? null : new LocalFileTracker(options.trackerDir));
    JdbcPersister persister = options.openPersister();
    try {
      ApplicationBuilder b =
          Application.builder()
              .withGraph(entry.graph())
              .withIdentifiers(options.appId, null)
              .withTracker(tracker)
              .withParallelExecutor(context.executor());
      if (persister != null) {
        b.withPersister(persister)
            .initializeFrom(persister, true, initialState, provider.entrypoint());
      } else {
        b.withState(initialState).withEntrypoint(provider.entrypoint());
      }
      Halt halt;
      try {
        halt = options.halts.halt().validate(entry.graph());
      } catch (ApplicationException e) {
        context.err().println("bramble: " + e.getMessage());
        return 2;
      }
      Application app = b.build();
      if (!options.quiet) {
        if (persister != null && app.nextSequenceId() > 0) {
          out.println(
              "resuming app "
                  + app.appId()
                  + " at step "
                  + app.nextSequenceId()
                  + (app.hasNext() ? " (" + app.nextAction() + ")" : ": it had already finished"));
        } else {
          out.println("app " + app.appId());
        }
      }
      RunResult result = app.run(halt, inputs);
      if (!options.quiet) {
        String text = provider.summary(result.state());
        if (text != null) {
          out.println();
          out.println(text);
          out.println();
        }
        if (options.trackerDir != null) {
          out.println("tracking files under " + options.trackerDir.toAbsolutePath());
        }
        out.println("final state:");
      }
      out.println(json(result.state(), provider.resultKeys()));
      if (app.hasNext()) {
        context
            .err()
            .println(
                "halted "
                    + (halt.afterActions().contains(result.action())
                        ? "after " + result.action() + ", "
                        : "")
                    + "before "
                    + app.nextAction()
                    + (persister == null
                        ? ""
                        : "; run again with --persist "
                            + options.persist
                            + " --app-id "
                            + app.appId()
                            + " (and --inputs, without this halt) to continue"));
      }
      return 0;
    } catch (ActionFailedException e) {
      context.err().println("bramble: run failed: " + e.getMessage());
      if (persister != null) {
        context
            .err()
            .println(
                "the steps that completed are saved; run the same command again (same --persist and"
                    + " --app-id "
                    + options.appId
                    + ") to resume");
      }
      return 1;
    } finally {
      if (persister != null) {
        persister.close();
      }
    }
  }

  /**
   * The state's values for {@code keys} (those present, in that order; all user keys when empty),
   * as pretty JSON.
   */
  static String json(State state, List<String> keys) {
    Map<String, Object> shown = new LinkedHashMap<>();
    if (keys.isEmpty()) {
      shown.putAll(state.userValues());
    }
    for (String k : keys) {
      if (state.has(k)) {
        shown.put(k, state.get(k));
      }
    }
    try {
      return StateJson.mapper()
          .writerWithDefaultPrettyPrinter()
          .writeValueAsString(StateJson.toNode(shown));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print the final state: " + e.getMessage(), e);
    }
  }
}
