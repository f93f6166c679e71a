package io.bramble.launcher.cluster;

import com.sun.net.httpserver.HttpServer;
import io.bramble.launcher.LauncherContext;
import io.bramble.schemas.kafka.ClusterConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bramble ui}: a placeholder until the web UI arrives with the observability issue. It serves
 * one page saying so (and how to follow jobs meanwhile) plus the health endpoints, so that
 * deployments can already include the service.
 */
@Command(name = "ui", mixinStandardHelpOptions = true,
    description = "Serves the web UI (for now a placeholder page: the UI comes with the observability issue).")
public final class UiCommand implements Callable<Integer> {
  public static final int DEFAULT_PORT = 8080;

  private final LauncherContext context;

  @Mixin ClusterOptions cluster;

  @Option(names = "--port", paramLabel = "PORT",
      description = "HTTP port (env BRAMBLE_UI_PORT, file ui.port; default " + DEFAULT_PORT + ").")
  Integer port;

  public UiCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    Configuration conf = cluster.configuration(context.env());
    ClusterConfig config = cluster.resolve(conf);
    HttpServer server = serve(conf.integer(Setting.UI_PORT, port, DEFAULT_PORT, 1, 65535), config);
    context.out().println("bramble ui: placeholder page on http://localhost:" + server.getAddress().getPort() + "/");
    Shutdown.awaitSignal(() -> server.stop(0));
    return 0;
  }

  /** Starts the page and the health endpoints on {@code port} (0: a free one). */
  public static HttpServer serve(int port, ClusterConfig config) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(port), 0);
    String page = page(config);
    server.createContext("/", exchange -> HealthServer.respond(exchange, 200, "text/html; charset=utf-8", page));
    HealthServer.install(server, () -> HealthServer.Readiness.ready("placeholder page"));
    server.start();
    return server;
  }

  private static String page(ClusterConfig config) {
    return """
        <!doctype html>
        <html lang="en"><head><meta charset="utf-8"><title>Bramble</title></head>
        <body style="font-family: sans-serif; max-width: 40em; margin: 3em auto">
        <h1>Bramble</h1>
        <p>The web UI comes with the observability issue; this page holds its place.</p>
        <p>Meanwhile, follow a job from a shell: <code>bramble watch APP_ID</code>, or submit and wait:
        <code>bramble submit collatz --wait</code>.</p>
        <p>Cluster: <code>%s</code>, topics <code>%s*</code>.</p>
        </body></html>""".formatted(escape(config.bootstrapServers()), escape(config.topics().prefix()));
  }

  private static String escape(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }
}
