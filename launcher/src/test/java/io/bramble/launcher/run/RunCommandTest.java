package io.bramble.launcher.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.launcher.Console;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
  @TempDir Path dir;

  @Test
  void poemsPrintsALinePerStepChildrenLabelledByTypeThenTheFinalState() {
    Console c = new Console();
    int code =
        c.run(
            "run",
            "poems",
            "--subject",
            "the sea",
            "--types",
            "sonnet,limerick,haiku",
            "--max-drafts",
            "2");

    assertThat(code).isZero();
    List<String> lines = c.outLines();
    assertThat(lines).anyMatch(l -> l.matches("[0-9a-f]{8} #0 user_input\\s+\\d+ ms"));
    assertThat(lines).anyMatch(l -> l.matches("  haiku\\s+[0-9a-f]{8} #1 edit\\s+\\d+ ms"));
    assertThat(lines).anyMatch(l -> l.matches("  sonnet\\s+[0-9a-f]{8} #3 final_draft\\s+\\d+ ms"));
    assertThat(lines).anyMatch(l -> l.matches("[0-9a-f]{8} #2 final_results\\s+\\d+ ms"));
    // 3 parent steps + sonnet 4, limerick 4, haiku 3 child steps
    assertThat(lines.stream().filter(l -> l.matches(".*#\\d+ \\w+\\s+\\d+ ms")))
        .hasSize(3 + 4 + 4 + 3);
    assertThat(c.out()).contains("\"final_results\" : \"sonnet:\\nSonnet on the sea");
  }

  @Test
  void trackerWritesAFolderPerApplicationChildrenIncluded() throws Exception {
    Console c = new Console();
    Path tracking = dir.resolve("tracking");
    assertThat(
            c.run(
                "run",
                "collatz",
                "--from",
                "1",
                "--to",
                "4",
                "--tracker",
                tracking.toString(),
                "--app-id",
                "collatz-1"))
        .isZero();

    try (Stream<Path> apps = Files.list(tracking)) {
      assertThat(apps).hasSize(1 + 4);
    }
    assertThat(tracking.resolve("collatz-1").resolve("children.jsonl")).exists();
    assertThat(Files.readAllLines(tracking.resolve("collatz-1").resolve("children.jsonl")))
        .hasSize(4);
  }
}
