package io.bramble.launcher.cluster;

import io.bramble.client.JobClient;
import io.bramble.launcher.LauncherContext;
import io.bramble.runtime.ClusterConfig;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.JobResult;
import io.bramble.schemas.avro.TrackingEvent;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bramble watch APP_ID}: prints a job's events as they happen, then its final state. */
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

  public WatchCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws TimeoutException {
    ClusterConfig config = cluster.resolve(context.env());
    try (JobClient client = new JobClient(config, config.schemaRegistry())) {
      JobResult result = client.await(appId, timeout, null, this::print);
      return JobOutput.print(result, List.of(), context.out(), context.err());
    }
  }

  private void print(TrackingEvent e) {
    Map<String, Object> payload = StateCodec.toMap(e.getPayload());
    String where =
        e.getAppId()
            + (e.getSequenceId() == null ? "" : " #" + e.getSequenceId())
            + (e.getAction() == null ? "" : " " + e.getAction());
    String detail =
        switch (e.getKind()) {
          case STEP_START -> null;
          case STEP_END ->
              payload.containsKey("error")
                  ? "failed: " + payload.get("error")
                  : (((Number) payload.get("ended_at_ms")).longValue()
                          - ((Number) payload.get("started_at_ms")).longValue())
                      + " ms on "
                      + e.getWorkerId();
          case APP_CREATED ->
              "graph "
                  + payload.get("graph")
                  + (e.getParentAppId() == null ? "" : ", child of " + e.getParentAppId());
          case SPAWN -> "child " + payload.get("child_index") + " " + payload.get("child_app_id");
          case FANOUT -> payload.get("total") + " children";
          case JOIN_PROGRESS ->
              payload.get("done")
                  + "/"
                  + payload.get("total")
                  + (Boolean.TRUE.equals(payload.get("reduced")) ? " reduced" : "");
          default -> String.valueOf(payload);
        };
    if (detail != null) {
      context.out().println(e.getKind() + " " + where + ": " + detail);
    }
  }
}
