package io.bramble.launcher.settings;

import io.bramble.runtime.HealthServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.util.function.Supplier;
import picocli.CommandLine.Option;

/** {@code --health-port} and {@code --health-host} of a coordinator or a worker. */
public final class HealthOptions {
  @Option(
      names = "--health-port",
      paramLabel = "PORT",
      description =
          "Port of /health/live, /health/ready and /metrics (env BRAMBLE_HEALTH_PORT, file"
              + " health.port; default 8090 for the coordinator, 8091 for a worker; 0 disables).")
  Integer port;

  @Option(
      names = "--health-host",
      paramLabel = "ADDRESS",
      description =
          "Address of the health and metrics server (env BRAMBLE_HEALTH_HOST, file health.host;"
              + " default "
              + HealthServer.DEFAULT_HOST
              + ", this machine only; 0.0.0.0 for every interface).")
  String host;

  /**
   * Starts the health and metrics server where these options, the environment or the file say
   * ({@code defaultPort} else); null when its port is 0.
   */
  public HealthServer start(
      Configuration conf,
      int defaultPort,
      Supplier<HealthServer.Readiness> readiness,
      PrometheusMeterRegistry meters)
      throws IOException {
    int p = conf.port(Setting.HEALTH_PORT, port, defaultPort);
    return p == 0
        ? null
        : HealthServer.start(
            conf.string(Setting.HEALTH_HOST, host, HealthServer.DEFAULT_HOST),
            p,
            readiness,
            meters);
  }
}
