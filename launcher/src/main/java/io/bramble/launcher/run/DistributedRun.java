package io.bramble.launcher.run;

import io.bramble.client.JobClient;
import io.bramble.client.JobResult;
import io.bramble.client.JobStatus;
import io.bramble.core.registry.GraphRegistry;
import io.bramble.core.state.State;
import io.bramble.devcluster.DevCluster;
import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.jobs.JobOutput;
import io.bramble.launcher.jobs.ProgressBar;
import io.bramble.schemas.avro.JobRequest;
import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * {@code bramble run … --distributed}: the same application through Kafka, on a {@link DevCluster}
 * in this JVM. With a fixed --app-id, running again after a kill waits for the same job, which
 * resumes from its checkpoints instead of starting over.
 */
final class DistributedRun {
  private final LauncherContext context;
  private final RunOptions options;

  DistributedRun(LauncherContext context, RunOptions options) {
    this.context = context;
    this.options = options;
  }

  int run(GraphRegistry.Entry entry, State initialState, Map<String, Object> inputs) {
    String graph = entry.name();
    PrintStream out = context.out();
    String appId = options.appId != null ? options.appId : graph + "-" + UUID.randomUUID();
    try (DevCluster cluster =
            DevCluster.start(options.dataDir, context.graphs(), options.workers, 4, 0, 0);
        JobClient client = cluster.client()) {
      if (!options.quiet) {
        out.println(
            "distributed: Kafka on "
                + cluster.bootstrapServers()
                + ", registry "
                + cluster.registryUrl()
                + ", "
                + options.workers
                + " workers; app "
                + appId);
      }
      JobRequest job =
          options
              .halts
              .applyTo(JobClient.job(appId, graph))
              .state(initialState)
              .inputs(inputs)
              .build();
      client.submit(job);
      ProgressBar bar = new ProgressBar(context.err());
      JobResult result = client.await(job, Duration.ofHours(1), options.quiet ? null : bar);
      bar.finish();
      if (!options.quiet && result.status() == JobStatus.COMPLETED) {
        String text = entry.provider().summary(result.state());
        if (text != null) {
          out.println();
          out.println(text);
          out.println();
        }
      }
      if (!options.quiet) {
        out.println("final state:");
      }
      int code =
          JobOutput.print(
              result,
              entry.provider().resultKeys(),
              out,
              context.err(),
              false,
              entry.provider().resultKeys());
      if (result.status() == JobStatus.HALTED) {
        context
            .err()
            .println(
                "the platform stops with this command; its data stays in "
                    + options.dataDir
                    + ": start it with `bramble dev --data-dir "
                    + options.dataDir
                    + "`, then `bramble resume`");
      }
      return code;
    } catch (TimeoutException e) {
      context.err().println("bramble: " + e.getMessage());
      return 1;
    }
  }
}
