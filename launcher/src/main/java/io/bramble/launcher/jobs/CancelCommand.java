package io.bramble.launcher.jobs;

import io.bramble.client.CancelRefusedException;
import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.settings.ClusterOptions;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.Topics;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bramble cancel APP_ID}: stops a running or halted job's whole tree; prints the
 * coordinator's answer. A job that has ended is refused, naming its status; cancelling twice is
 * harmless.
 */
@Command(
    name = "cancel",
    mixinStandardHelpOptions = true,
    description =
        "Cancels a running or halted job: its whole tree stops at its next step boundaries, and its"
            + " result is CANCELLED.")
public final class CancelCommand implements Callable<Integer> {
  private final LauncherContext context;

  @Mixin ClusterOptions cluster;

  @Parameters(
      index = "0",
      paramLabel = "APP_ID",
      description = "The job's id (the app id it was submitted with).")
  String appId;

  @Option(
      names = "--timeout",
      defaultValue = "PT1M",
      paramLabel = "DURATION",
      description = "How long to wait for the coordinator's answer (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  public CancelCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws TimeoutException {
    ClusterConfig config = cluster.reach(context, Topics::jobs);
    try (JobClient client = new JobClient(config, config.schemaRegistry())) {
      JobResult result;
      try {
        result = client.cancel(appId, timeout);
      } catch (CancelRefusedException e) {
        context.err().println("bramble: cancel refused: " + e.getMessage());
        return 1;
      }
      context.out().println("job " + result.appId() + " cancelled (" + result.graph() + ")");
      return 0;
    }
  }
}
