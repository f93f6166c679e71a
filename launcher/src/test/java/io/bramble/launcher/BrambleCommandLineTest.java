package io.bramble.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class BrambleCommandLineTest {
  @Test
  void anUnknownFlagIsAUsageErrorNamingTheFlagWithExitCode2() {
    Console c = new Console();
    assertThat(c.run("run", "poems", "--bogus")).isEqualTo(2);
    assertThat(c.err()).contains("Unknown option: '--bogus'").contains("Usage: bramble run poems");
    assertThat(c.out()).isEmpty();
  }

  @Test
  void aNonNumericMaxDraftsIsAUsageError() {
    Console c = new Console();
    assertThat(c.run("run", "poems", "--max-drafts", "two")).isEqualTo(2);
    assertThat(c.err()).contains("--max-drafts takes a whole number, got 'two'");
  }

  @Test
  void zeroMaxDraftsIsAUsageError() {
    Console c = new Console();
    assertThat(c.run("run", "poems", "--max-drafts", "0")).isEqualTo(2);
    assertThat(c.err()).contains("--max-drafts must be at least 1");
  }

  @Test
  void anUnknownApplicationIsAUsageError() {
    Console c = new Console();
    assertThat(c.run("run", "sonnets")).isEqualTo(2);
    assertThat(c.err()).contains("Unmatched argument").contains("sonnets");
  }

  @Test
  void runWithoutAnApplicationSaysWhichExist() {
    Console c = new Console();
    assertThat(c.run("run")).isEqualTo(2);
    assertThat(c.err())
        .contains("name an application to run: ")
        .contains("poems")
        .contains("collatz");
  }

  @Test
  void persistNeedsAnAppIdAndASqliteFile() {
    Console c = new Console();
    assertThat(c.run("run", "collatz", "--persist", "sqlite:x.db")).isEqualTo(2);
    assertThat(c.err()).contains("--persist needs --app-id");
    Console d = new Console();
    assertThat(d.run("run", "collatz", "--persist", "postgres://x", "--app-id", "a")).isEqualTo(2);
    assertThat(d.err()).contains("--persist takes sqlite:FILE");
  }

  @Test
  void helpListsTheCommands() {
    Console c = new Console();
    assertThat(c.run("--help")).isZero();
    assertThat(c.out()).contains("run").contains("bench");
  }

  @Test
  void quietPrintsOnlyTheFinalStateAsJson() throws Exception {
    Console c = new Console();
    assertThat(c.run("run", "collatz", "--quiet")).isZero();
    JsonNode state = new ObjectMapper().readTree(c.out());
    assertThat(state.get("lengths").get("97").asLong()).isEqualTo(119);
    assertThat(state.get("lengths").size()).isEqualTo(20);
    assertThat(state.get("longest").get("n").asLong()).isEqualTo(97);
  }
}
