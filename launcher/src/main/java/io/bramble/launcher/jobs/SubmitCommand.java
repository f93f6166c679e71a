package io.bramble.launcher.jobs;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.core.state.StateInternals;
import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.settings.ClusterOptions;
import io.bramble.launcher.settings.HaltOptions;
import io.bramble.launcher.settings.JsonOption;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.Topics;
import io.bramble.schemas.avro.JobRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code bramble submit GRAPH}: produces a job; with --wait, follows it and prints its final state.
 * A graph on the launcher's class path also takes its own flags, as {@code bramble run GRAPH} does
 * ({@link GraphFlags}).
 */
@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    description = {
      "Submits a job (a JobRequest on the jobs topic).",
      "A graph this launcher loads also takes its own flags, as `bramble run GRAPH --help` lists"
          + " them (e.g. --types for poems)."
    })
public final class SubmitCommand implements Callable<Integer> {
  private final LauncherContext context;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Parameters(
      index = "0",
      paramLabel = "GRAPH",
      description = "The graph to run, e.g. poems or collatz.")
  String graph;

  @Option(
      names = "--state",
      defaultValue = "{}",
      paramLabel = "JSON",
      description = "The starting state (default: the graph's own).")
  String stateJson;

  @Option(
      names = "--inputs",
      defaultValue = "{}",
      paramLabel = "JSON",
      description = "Inputs for the actions that declare them.")
  String inputsJson;

  @Option(
      names = "--app-id",
      paramLabel = "ID",
      description = "The job's app id (default: random); a second job with one id runs once.")
  String appId;

  @Mixin HaltOptions halts;

  @Option(
      names = "--graph-version",
      paramLabel = "VERSION",
      description =
          "Run this version of the graph (default: the newest the worker that starts the job has);"
              + " the job keeps it for its whole life.")
  String graphVersion;

  @Option(
      names = "--entrypoint",
      paramLabel = "ACTION",
      description = "Start at this action instead of the graph's entrypoint.")
  String entrypoint;

  @Option(names = "--wait", description = "Show progress, then print the final state.")
  boolean await;

  @Mixin StreamOptions output;

  @CommandLine.Unmatched List<String> graphFlags = new ArrayList<>();

  @Option(
      names = "--timeout",
      defaultValue = "PT10M",
      paramLabel = "DURATION",
      description = "How long --wait waits (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  public SubmitCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws TimeoutException {
    Map<String, Object> state =
        new LinkedHashMap<>(JsonOption.read(spec.commandLine(), "--state", stateJson));
    Map<String, Object> inputs =
        new LinkedHashMap<>(JsonOption.read(spec.commandLine(), "--inputs", inputsJson));
    GraphFlags.apply(
        spec.commandLine(),
        context.catalog().get().loadedGraphs(),
        graph,
        graphVersion,
        entrypoint,
        graphFlags,
        state,
        inputs);
    ClusterConfig config = cluster.reach(context, Topics::jobs);
    String id = appId != null ? appId : graph + "-" + UUID.randomUUID();
    try (JobClient client = new JobClient(config, config.schemaRegistry())) {
      JobRequest job =
          halts
              .applyTo(JobClient.job(id, graph))
              .state(StateInternals.restore(state))
              .inputs(inputs)
              .entrypoint(entrypoint)
              .graphVersion(graphVersion)
              .build();
      client.submit(job);
      context.err().println("submitted " + graph + " as app " + id);
      if (!await && !output.stream()) {
        context.out().println(id);
        return 0;
      }
      JobResult result =
          output.follow(
              client,
              id,
              job.getSubmittedAtMs(),
              context.out(),
              context.err(),
              progress -> client.await(job, timeout, progress));
      return output.print(result, context.out(), context.err());
    }
  }
}
