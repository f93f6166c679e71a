package io.bramble.launcher.run;

import io.bramble.core.persistence.JdbcPersister;
import io.bramble.launcher.settings.HaltOptions;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Options every {@code bramble run} application takes. */
public final class RunOptions {
  private static final String SQLITE = "sqlite:";

  @Option(
      names = "--tracker",
      paramLabel = "DIR",
      description =
          "Write tracking files (one folder per application, children included) under DIR.")
  Path trackerDir;

  @Option(
      names = "--persist",
      paramLabel = "sqlite:FILE",
      description =
          "Save every step to a SQLite file, so that a run that stopped can be resumed (needs --app-id).")
  String persist;

  @Option(
      names = "--app-id",
      paramLabel = "ID",
      description = "The application id; run again with the same --persist and --app-id to resume.")
  String appId;

  @Mixin HaltOptions halts;

  @Option(
      names = {"-q", "--quiet"},
      description = "Print only the final state.")
  boolean quiet;

  @Option(
      names = "--distributed",
      description =
          "Run through Kafka: start `bramble dev` (broker, registry, coordinator, workers) in this JVM and submit the job.")
  boolean distributed;

  @Option(
      names = "--data-dir",
      defaultValue = ".bramble",
      paramLabel = "DIR",
      description =
          "With --distributed: where the broker's data lives (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Option(
      names = "--workers",
      defaultValue = "2",
      paramLabel = "N",
      description = "With --distributed: workers to run (default: ${DEFAULT-VALUE}).")
  int workers;

  /** Checks the combination of options; a usage error (of {@code line}) names what is wrong. */
  void validate(CommandLine line) {
    if (persist != null && !persist.startsWith(SQLITE)) {
      throw new CommandLine.ParameterException(
          line, "--persist takes sqlite:FILE, got '" + persist + "'");
    }
    if (persist != null && persist.length() == SQLITE.length()) {
      throw new CommandLine.ParameterException(line, "--persist sqlite: needs a file name");
    }
    if (distributed && (persist != null || trackerDir != null)) {
      throw new CommandLine.ParameterException(
          line,
          "--distributed runs keep their checkpoints in Kafka; --persist and --tracker are for local runs");
    }
    if (persist != null && (appId == null || appId.isBlank())) {
      throw new CommandLine.ParameterException(
          line, "--persist needs --app-id, so that a second run finds the first one's steps");
    }
  }

  /** The persister --persist names, or null. */
  JdbcPersister openPersister() {
    if (persist == null) {
      return null;
    }
    Path file = Path.of(persist.substring(SQLITE.length()));
    if (file.toAbsolutePath().getParent() != null) {
      file.toAbsolutePath().getParent().toFile().mkdirs();
    }
    return JdbcPersister.sqlite(file);
  }
}
