package io.bramble.launcher.jobs;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.ResumeRefusedException;
import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.settings.ClusterOptions;
import io.bramble.launcher.settings.HaltOptions;
import io.bramble.launcher.settings.JsonOption;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.Topics;
import io.bramble.schemas.avro.JobRequest;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bramble resume APP_ID}: continues a halted app (a job's root or one of its children) from
 * its last step, the same app id at its next sequence id; prints the coordinator's answer, and with
 * --wait the job's next result.
 */
@Command(
    name = "resume",
    mixinStandardHelpOptions = true,
    description =
        "Continues a halted app (a job, or a child waiting for input) from where it paused.")
public final class ResumeCommand implements Callable<Integer> {
  private final LauncherContext context;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Parameters(index = "0", paramLabel = "APP_ID", description = "The halted app's id.")
  String appId;

  @Option(
      names = "--inputs",
      defaultValue = "{}",
      paramLabel = "JSON",
      description = "Inputs for the action it continues with (e.g. a person's answer).")
  String inputsJson;

  @Mixin HaltOptions halts;

  @Option(names = "--wait", description = "Show progress, then print the job's next result.")
  boolean await;

  @Mixin StreamOptions output;

  @Option(
      names = "--timeout",
      defaultValue = "PT10M",
      paramLabel = "DURATION",
      description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  public ResumeCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws TimeoutException {
    Map<String, Object> inputs = JsonOption.read(spec.commandLine(), "--inputs", inputsJson);
    ClusterConfig config = cluster.reach(context, Topics::jobs);
    try (JobClient client = new JobClient(config, config.schemaRegistry())) {
      JobRequest resume = halts.applyTo(JobClient.resumeOf(appId)).inputs(inputs).build();
      JobClient.Resumed resumed;
      try {
        resumed = client.resume(resume, Duration.ofMinutes(1));
      } catch (ResumeRefusedException e) {
        context.err().println("bramble: resume refused: " + e.getMessage());
        return 1;
      }
      context
          .err()
          .println(
              "resumed app "
                  + resumed.appId()
                  + " of job "
                  + resumed.rootAppId()
                  + " at step "
                  + resumed.sequenceId()
                  + " ("
                  + resumed.action()
                  + ")");
      if (!await && !output.stream()) {
        context.out().println(resumed.rootAppId());
        return 0;
      }
      JobResult result =
          output.follow(
              client,
              resumed.rootAppId(),
              resumed.requestedAtMs(),
              context.out(),
              context.err(),
              progress -> client.await(resumed, timeout, progress));
      return output.print(result, context.out(), context.err());
    }
  }
}
