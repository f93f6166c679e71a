package io.bramble.launcher.jobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.registry.GraphRegistry;
import io.bramble.examples.registry.PoemsGraphProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class GraphFlagsTest {
  private static final GraphRegistry POEMS = GraphRegistry.of(new PoemsGraphProvider());
  private final CommandLine line = new CommandLine(CommandLine.Model.CommandSpec.create());

  @Test
  void givenFlagsSetTheirInputsAndDefaultsFillWhatTheJsonLeavesOut() {
    Map<String, Object> state = new LinkedHashMap<>();
    Map<String, Object> inputs = new LinkedHashMap<>(Map.of("poem_subject", "rain"));

    GraphFlags.apply(
        line,
        POEMS,
        "poems",
        null,
        null,
        List.of("--types", "haiku", "--max-drafts=3"),
        state,
        inputs);

    assertThat(inputs)
        .containsEntry("poem_types", List.of("haiku"))
        .containsEntry("max_drafts", 3L)
        .containsEntry("poem_subject", "rain");
  }

  @Test
  void startedWhereNoActionTakesThemNoDefaultInputIsAdded() {
    Map<String, Object> inputs = new LinkedHashMap<>();

    GraphFlags.apply(
        line, POEMS, "poems", null, "final_results", List.of(), new LinkedHashMap<>(), inputs);

    assertThat(inputs).isEmpty();
  }

  @Test
  void aMisspeltFlagIsRefusedNamingTheGraphsOwn() {
    assertThatThrownBy(
            () ->
                GraphFlags.apply(
                    line,
                    POEMS,
                    "poems",
                    null,
                    null,
                    List.of("--tpyes", "haiku"),
                    new LinkedHashMap<>(),
                    new LinkedHashMap<>()))
        .hasMessageContaining(
            "unknown option '--tpyes' for graph 'poems' (its own flags: --subject, --types,"
                + " --max-drafts)");
  }
}
