package io.bramble.launcher.jobs;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.core.runtime.Pools;
import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.settings.ClusterOptions;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.Topics;
import io.bramble.schemas.avro.AppStatus;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.ModelCall;
import io.bramble.schemas.avro.TrackingEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bramble watch APP_ID}: prints a job's events as they happen (with --stream, what its
 * running steps emit too), then its final state.
 */
@Command(
    name = "watch",
    mixinStandardHelpOptions = true,
    description = "Follows a job: fan-outs, join progress, its result.")
public final class WatchCommand implements Callable<Integer> {
  private final LauncherContext context;

  @Mixin ClusterOptions cluster;

  @Parameters(index = "0", paramLabel = "APP_ID", description = "The job's app id.")
  String appId;

  @Option(
      names = "--timeout",
      defaultValue = "PT1H",
      paramLabel = "DURATION",
      description = "How long to wait (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  @Mixin StreamOptions output;

  public WatchCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws TimeoutException {
    ClusterConfig config = cluster.reach(context, Topics::events);
    try (JobClient client = new JobClient(config, config.schemaRegistry())) {
      // JSON lines are chunks and the state only; the events are for people.
      JobResult result =
          output.follow(
              client,
              appId,
              0,
              context.out(),
              null,
              progress -> client.await(appId, timeout, null, output.json() ? null : this::print));
      return output.print(result, context.out(), context.err());
    }
  }

  /** The children's labels, from their creation: the waiting list names them by both. */
  private final Map<String, String> labels = new HashMap<>();

  private void print(TrackingEvent e) {
    if (e.getKind() == EventKind.APP_CREATED && e.getLabel() != null) {
      labels.put(e.getAppId(), e.getLabel());
    }
    String where =
        e.getAppId()
            + (e.getSequenceId() == null ? "" : " #" + e.getSequenceId())
            + (e.getAction() == null ? "" : " " + e.getAction());
    String detail =
        switch (e.getKind()) {
          case STEP_START, UNKNOWN -> null;
          case STEP_END ->
              e.getError() != null
                  ? "failed: " + e.getError().getMessage()
                  : (e.getEndedAtMs() - e.getStartedAtMs())
                      + " ms on "
                      + e.getWorkerId()
                      + (e.getPool() == null || e.getPool().equals(Pools.DEFAULT)
                          ? ""
                          : " (pool " + e.getPool() + ")")
                      + modelCalls(e);
          case APP_CREATED ->
              e.getDuplicateSubmission()
                  ? "submitted again: ignored"
                  : "graph "
                      + e.getGraphName()
                      + (e.getGraphVersion() == null ? "" : " version " + e.getGraphVersion())
                      + (e.getParentAppId() == null
                          ? ""
                          : ", child "
                              + (e.getLabel() == null ? "" : e.getLabel() + " ")
                              + "of "
                              + e.getParentAppId());
          case SPAWN -> "child " + e.getChildIndex() + " " + e.getChildAppId();
          case FANOUT -> e.getTotal() + " children";
          case JOIN_PROGRESS ->
              e.getDone() + "/" + e.getTotal() + (e.getReduced() ? " reduced" : "");
          case APP_ENDED ->
              e.getStatus() == AppStatus.HALTED
                  ? "halted before " + e.getNextAction()
                  : e.getStatus().name().toLowerCase(Locale.ROOT)
                      + (e.getError() == null ? "" : ": " + e.getError().getMessage());
          case JOB_DONE ->
              e.getStatus() == AppStatus.HALTED
                  ? "halted before "
                      + e.getNextAction()
                      + (e.getChildAppIds().isEmpty()
                          ? ""
                          : ", waiting for input: "
                              + e.getChildAppIds().stream()
                                  .map(
                                      id -> labels.containsKey(id) ? labels.get(id) + " " + id : id)
                                  .collect(Collectors.joining(", ")))
                  : e.getStatus().name().toLowerCase(Locale.ROOT)
                      + (e.getError() == null ? "" : ": " + e.getError().getMessage());
          case RESUMED -> "resumed";
          case POOL_WAITING ->
              JobOutput.waitingFor(e.getPool(), e.getLag() == null ? 0 : e.getLag());
          case POOL_SERVED -> "a worker of pool " + e.getPool() + " takes its tasks";
          case RESUME_REFUSED ->
              "resume refused: " + (e.getError() == null ? "" : e.getError().getMessage());
          case CANCELLED -> "cancel accepted";
          case CANCEL_REFUSED ->
              "cancel refused: " + (e.getError() == null ? "" : e.getError().getMessage());
          case MIGRATING -> "migration to version " + e.getGraphVersion() + " accepted";
          case MIGRATE_REFUSED ->
              "migration refused: " + (e.getError() == null ? "" : e.getError().getMessage());
          case MIGRATED ->
              "moved from version "
                  + e.getFromGraphVersion()
                  + " to "
                  + e.getGraphVersion()
                  + ", continues at "
                  + e.getNextAction()
                  + " on "
                  + e.getWorkerId();
          case MIGRATION_REFUSED ->
              "stays on version "
                  + e.getFromGraphVersion()
                  + ": "
                  + (e.getError() == null ? "" : e.getError().getMessage());
        };
    if (detail != null) {
      context.out().println(e.getKind() + " " + where + ": " + detail);
    }
  }

  /** ", 2 model calls: 340 tokens in, 85 out, 1.2 s" when the step made any. */
  static String modelCalls(TrackingEvent e) {
    List<ModelCall> calls = e.getModelCalls();
    if (calls.isEmpty()) {
      return "";
    }
    return ", "
        + calls.size()
        + (calls.size() == 1 ? " model call: " : " model calls: ")
        + calls.stream().mapToLong(ModelCall::getInputTokens).sum()
        + " tokens in, "
        + calls.stream().mapToLong(ModelCall::getOutputTokens).sum()
        + " out, "
        + calls.stream().mapToLong(ModelCall::getDurationMs).sum()
        + " ms";
  }
}
