package io.bramble.launcher.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.registry.GraphCatalog;
import io.bramble.examples.poems.OfflinePoemModel;
import io.bramble.examples.poems.PoemModel;
import io.bramble.examples.registry.PoemsGraphProvider;
import io.bramble.launcher.Console;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run that dies part-way resumes from its SQLite checkpoints: finished poems are not written
 * again.
 */
class ResumeTest {
  @TempDir Path dir;

  private String[] args(Path db) {
    return new String[] {
      "run",
      "poems",
      "--subject",
      "the sea",
      "--types",
      "sonnet,limerick,haiku",
      "--max-drafts",
      "2",
      "--persist",
      "sqlite:" + db,
      "--app-id",
      "poems-1",
      "--quiet"
    };
  }

  @Test
  void aSecondRunWithTheSameDatabaseAndAppIdFinishesOnlyWhatTheFirstDidNot() {
    Path db = dir.resolve("steps.db");
    // limerick: write (call 1), edit (call 2), then the second write (call 3) fails
    CountingModel failing = new CountingModel("limerick", 3);
    Console first = new Console(poems(failing));
    assertThat(first.run(args(db))).isEqualTo(1);
    assertThat(first.err())
        .contains("run failed")
        .contains("model unavailable")
        .contains("same --persist");
    assertThat(failing.calls("sonnet")).isEqualTo(3);
    assertThat(failing.calls("haiku")).isEqualTo(2);
    assertThat(failing.calls("limerick")).isEqualTo(3);

    CountingModel counting = new CountingModel(null, 0);
    Console second = new Console(poems(counting));
    assertThat(second.run(args(db))).isZero();
    // sonnet and haiku were finished and are not run again; limerick re-runs only its failed write
    assertThat(counting.calls).isEqualTo(Map.of("limerick", 1));

    Console uninterrupted = new Console();
    assertThat(
            uninterrupted.run(
                "run",
                "poems",
                "--subject",
                "the sea",
                "--types",
                "sonnet,limerick,haiku",
                "--max-drafts",
                "2",
                "--quiet"))
        .isZero();
    assertThat(second.out()).isEqualTo(uninterrupted.out());

    CountingModel third = new CountingModel(null, 0);
    Console again = new Console(poems(third));
    assertThat(again.run(args(db))).isZero();
    assertThat(third.calls).isEmpty();
    assertThat(again.out()).isEqualTo(uninterrupted.out());
  }

  private static GraphCatalog poems(PoemModel model) {
    return GraphCatalog.of(List.of(new PoemsGraphProvider(model)));
  }

  /** The offline model, counting calls per poem type, failing on one type's Nth call. */
  static final class CountingModel implements PoemModel {
    private final PoemModel delegate = new OfflinePoemModel();
    private final String failType;
    private final int failOnCall;
    final Map<String, Integer> calls = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> counters = new ConcurrentHashMap<>();

    CountingModel(String failType, int failOnCall) {
      this.failType = failType;
      this.failOnCall = failOnCall;
    }

    int calls(String type) {
      return calls.getOrDefault(type, 0);
    }

    private void count(String type) {
      int n = counters.computeIfAbsent(type, t -> new AtomicInteger()).incrementAndGet();
      calls.merge(type, 1, Integer::sum);
      if (type.equals(failType) && n == failOnCall) {
        throw new IllegalStateException("model unavailable (call " + n + " for " + type + ")");
      }
    }

    @Override
    public String write(
        String poemType,
        String subject,
        int draftNumber,
        String previousDraft,
        String feedback,
        java.util.function.Consumer<String> tokens) {
      count(poemType);
      return delegate.write(poemType, subject, draftNumber, previousDraft, feedback, tokens);
    }

    @Override
    public String edit(String poemType, String subject, int draftNumber, String draft) {
      count(poemType);
      return delegate.edit(poemType, subject, draftNumber, draft);
    }
  }
}
