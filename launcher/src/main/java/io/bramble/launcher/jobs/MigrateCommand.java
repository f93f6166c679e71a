package io.bramble.launcher.jobs;

import io.bramble.client.JobClient;
import io.bramble.client.MigrateRefusedException;
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
 * {@code bramble migrate APP_ID --to VERSION}: moves a running or halted job's whole tree to
 * another version of its graph; prints the coordinator's answer. Each app moves at its next step
 * boundary, as the version's migration maps it; {@code bramble watch} shows each move, or the app
 * and action it refused.
 */
@Command(
    name = "migrate",
    mixinStandardHelpOptions = true,
    description =
        "Moves a running or halted job to another version of its graph: each app of its tree at"
            + " its next step boundary, as that version's migration maps it.")
public final class MigrateCommand implements Callable<Integer> {
  private final LauncherContext context;

  @Mixin ClusterOptions cluster;

  @Parameters(
      index = "0",
      paramLabel = "APP_ID",
      description = "The job's id (the app id it was submitted with).")
  String appId;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "VERSION",
      description = "The version of the job's graph to move it to (as `bramble graphs` lists it).")
  String version;

  @Option(
      names = "--timeout",
      defaultValue = "PT1M",
      paramLabel = "DURATION",
      description = "How long to wait for the coordinator's answer (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  public MigrateCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws TimeoutException {
    ClusterConfig config = cluster.reach(context, Topics::jobs);
    try (JobClient client = new JobClient(config, config.schemaRegistry())) {
      try {
        client.migrate(appId, version, timeout);
      } catch (MigrateRefusedException e) {
        context.err().println("bramble: migration refused: " + e.getMessage());
        return 1;
      }
      context
          .out()
          .println(
              "job "
                  + appId
                  + " moves to version "
                  + version
                  + " at its apps' next step boundaries (bramble watch "
                  + appId
                  + " shows each move)");
      return 0;
    }
  }
}
