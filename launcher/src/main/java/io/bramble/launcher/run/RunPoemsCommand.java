package io.bramble.launcher.run;

import io.bramble.core.state.State;
import io.bramble.examples.poems.PoemModel;
import io.bramble.examples.poems.Poems;
import io.bramble.launcher.LauncherContext;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code bramble run poems}: the article's example, one write/edit loop per poem type, in parallel. */
@Command(
    name = "poems",
    mixinStandardHelpOptions = true,
    description = {
        "Writes a poem per type about a subject, each in its own write/edit loop, in parallel.",
        "Uses an OpenAI-compatible endpoint when BRAMBLE_LLM_BASE_URL is set (with BRAMBLE_LLM_API_KEY and"
            + " BRAMBLE_LLM_MODEL), otherwise a deterministic offline model."})
public final class RunPoemsCommand implements Callable<Integer> {
  private final LauncherContext context;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--subject", paramLabel = "TEXT", defaultValue = "the sea",
      description = "What the poems are about (default: ${DEFAULT-VALUE}).")
  String subject;

  @Option(names = "--types", paramLabel = "TYPE", split = ",", defaultValue = "sonnet,limerick,haiku",
      description = "Comma-separated poem types (default: ${DEFAULT-VALUE}).")
  List<String> types;

  @Option(names = "--max-drafts", paramLabel = "N", defaultValue = "2",
      description = "At most this many drafts per poem (default: ${DEFAULT-VALUE}).")
  int maxDrafts;

  @Mixin RunOptions options;

  public RunPoemsCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (maxDrafts < 1) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--max-drafts must be at least 1, got " + maxDrafts);
    }
    List<String> poemTypes = types.stream().map(String::strip).filter(t -> !t.isEmpty()).toList();
    if (poemTypes.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--types needs at least one poem type");
    }
    PoemModel model = context.poemModel().get();
    if (!options.quiet) {
      context.out().println("poems about " + subject + ": " + String.join(", ", poemTypes) + " (at most "
          + maxDrafts + " drafts each; model: " + model.getClass().getSimpleName() + ")");
    }
    try {
      return new ApplicationRun(context, options).run("poems", Poems.graph(model), Poems.ENTRYPOINT, State.empty(),
          Poems.inputs(poemTypes, subject, maxDrafts), Poems.RESULT_KEYS,
          s -> String.valueOf(s.get("poem_type")),
          s -> s.has("final_results") ? s.getString("final_results") : null);
    } finally {
      if (model instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception ignored) {
          // closing an HTTP client; nothing to do about a failure here
        }
      }
    }
  }
}
