package io.bramble.launcher.ui;

import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.settings.ClusterOptions;
import io.bramble.launcher.settings.Configuration;
import io.bramble.launcher.settings.Setting;
import io.bramble.runtime.ClusterConfig;
import io.bramble.ui.ClusterResumer;
import io.bramble.ui.KafkaEventStore;
import io.bramble.ui.Resumer;
import io.bramble.ui.TrackerDirStore;
import io.bramble.ui.UiServer;
import io.bramble.ui.UiStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bramble ui}: the web UI, over a tracker directory ({@code --tracker-dir}, what {@code
 * bramble run --tracker DIR} writes) or a cluster's events topic (the cluster options).
 */
@Command(
    name = "ui",
    mixinStandardHelpOptions = true,
    description =
        "Serves the web UI: apps, their steps, state and sub-applications, from a tracker directory "
            + "(--tracker-dir) or a cluster's events topic.")
public final class UiCommand implements Callable<Integer> {
  public static final int DEFAULT_PORT = 8080;

  private final LauncherContext context;

  @Mixin ClusterOptions cluster;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      description = "HTTP port (env BRAMBLE_UI_PORT, file ui.port; default " + DEFAULT_PORT + ").")
  Integer port;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      description =
          "Address to listen on (env BRAMBLE_UI_HOST, file ui.host; default "
              + UiServer.DEFAULT_HOST
              + ", this machine only; 0.0.0.0 for every interface).")
  String host;

  @Option(
      names = "--allow-resume",
      description =
          "A halted app's page offers a form that resumes it, as `bramble resume` does (env"
              + " BRAMBLE_UI_ALLOW_RESUME, file ui.allow-resume; default off: anyone who reaches"
              + " the UI could answer).")
  Boolean allowResume;

  @Option(
      names = "--tracker-dir",
      paramLabel = "DIR",
      description =
          "Show local runs: the directory `bramble run --tracker DIR` wrote (instead of a cluster).")
  Path trackerDir;

  public UiCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    Configuration conf = cluster.configuration(context);
    int httpPort = conf.port(Setting.UI_PORT, port, DEFAULT_PORT);
    String address = conf.string(Setting.UI_HOST, host, UiServer.DEFAULT_HOST);
    boolean resumeFromPage = conf.bool(Setting.UI_ALLOW_RESUME, allowResume, false);
    UiStore store;
    Resumer resumer = null;
    if (trackerDir != null) {
      if (resumeFromPage) {
        context
            .err()
            .println(
                "bramble ui: --allow-resume needs a cluster: a local run is resumed by `bramble"
                    + " run … --persist sqlite:FILE --app-id ID`");
        return 2;
      }
      if (!Files.isDirectory(trackerDir)) {
        context
            .err()
            .println(
                "bramble ui: no directory "
                    + trackerDir
                    + " (write one with `bramble run … --tracker "
                    + trackerDir
                    + "`)");
        return 2;
      }
      store = new TrackerDirStore(trackerDir);
    } else {
      ClusterConfig config = cluster.resolve(conf);
      store = new KafkaEventStore(config, config.schemaRegistry());
      resumer = resumeFromPage ? new ClusterResumer(config, config.schemaRegistry()) : null;
    }
    UiServer server = UiServer.start(store, address, httpPort, resumer);
    context
        .out()
        .println(
            "bramble ui: http://"
                + (address.equals("0.0.0.0") ? "localhost" : address)
                + ":"
                + server.port()
                + "/ ("
                + store.description()
                + (resumer == null ? "" : "; halted apps can be resumed from their pages")
                + ")");
    context.out().flush();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "bramble-ui-shutdown"));
    stopped.await();
    return 0;
  }
}
