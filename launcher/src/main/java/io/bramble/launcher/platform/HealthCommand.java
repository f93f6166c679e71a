package io.bramble.launcher.platform;

import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.settings.Setting;
import io.bramble.runtime.HealthServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bramble health}: asks a coordinator's or worker's health endpoint; exit code 0 when it
 * answers 200, 1 otherwise. A container healthcheck for images without curl or wget.
 */
@Command(
    name = "health",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a health endpoint: exit code 0 when it answers 200, else 1 (for container healthchecks).",
      "Without --url: http://localhost:PORT/health/ready, PORT from --port or BRAMBLE_HEALTH_PORT."
    })
public final class HealthCommand implements Callable<Integer> {
  private final LauncherContext context;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--url",
      paramLabel = "URL",
      description = "The endpoint, e.g. http://localhost:8090/health/ready.")
  URI url;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "A local port (default: env BRAMBLE_HEALTH_PORT).")
  Integer port;

  @Option(names = "--live", description = "Ask /health/live instead of /health/ready.")
  boolean live;

  @Option(
      names = "--timeout",
      defaultValue = "PT5S",
      paramLabel = "DURATION",
      description = "Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  public HealthCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    URI target =
        url != null
            ? url
            : URI.create(
                "http://localhost:"
                    + localPort()
                    + (live ? HealthServer.LIVE : HealthServer.READY));
    HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
    try {
      HttpResponse<String> response =
          client.send(
              HttpRequest.newBuilder(target).timeout(timeout).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      String line = target + ": " + response.statusCode() + " " + response.body().strip();
      if (response.statusCode() == 200) {
        context.out().println(line);
        return 0;
      }
      context.err().println(line);
      return 1;
    } catch (IOException e) {
      context.err().println(target + ": " + e);
      return 1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private int localPort() {
    String env = context.env().get(Setting.HEALTH_PORT.env());
    String source = port != null ? "--port" : Setting.HEALTH_PORT.env();
    String value = port != null ? port.toString() : env;
    if (value == null || value.isBlank()) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), "give --url, --port or " + Setting.HEALTH_PORT.env());
    }
    try {
      int p = Integer.parseInt(value.trim());
      if (p < 1 || p > 65535) {
        throw new NumberFormatException();
      }
      return p;
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(
          spec.commandLine(), source + ": health port must be a port number, got '" + value + "'");
    }
  }
}
