package io.bramble.examples.poems;

import static org.assertj.core.api.Assertions.assertThat;

import io.bramble.core.application.Application;
import io.bramble.core.application.RunResult;
import io.bramble.core.state.State;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PoemsTest {
  private static final List<String> TYPES = List.of("sonnet", "limerick", "haiku");

  private static RunResult run(PoemModel model, List<String> types, int maxDrafts) {
    return Poems.application(model).run(Poems.inputs(types, "the sea", maxDrafts));
  }

  private static State runChild(PoemModel model, String type, long maxDrafts) {
    return Application.builder()
        .withGraph(Poems.childGraph(model).graph())
        .withEntrypoint("write")
        .withState(Poems.childState(type, "the sea", maxDrafts))
        .build()
        .run()
        .state();
  }

  @Test
  void offlineOutputIsDeterministicAndListsEachTypesFinalDraftInTypeOrder() {
    RunResult first = run(new OfflinePoemModel(), TYPES, 2);
    RunResult second = run(new OfflinePoemModel(), TYPES, 2);

    assertThat(first.action()).isEqualTo("final_results");
    assertThat(first.state().userValues()).isEqualTo(second.state().userValues());
    List<String> proposals = first.state().getList("proposals");
    assertThat(proposals).hasSize(3);
    assertThat(proposals.get(0)).startsWith("Sonnet on the sea");
    assertThat(proposals.get(1)).startsWith("Limerick on the sea");
    assertThat(proposals.get(2)).startsWith("Haiku on the sea");
    String results = first.state().getString("final_results");
    assertThat(results)
        .isEqualTo(
            "sonnet:\n"
                + proposals.get(0)
                + "\n\nlimerick:\n"
                + proposals.get(1)
                + "\n\nhaiku:\n"
                + proposals.get(2));
    assertThat(results.indexOf("sonnet:")).isLessThan(results.indexOf("limerick:"));
    assertThat(results.indexOf("limerick:")).isLessThan(results.indexOf("haiku:"));
  }

  @Test
  void offlineTextDependsOnTypeSubjectAndDraftNumber() {
    OfflinePoemModel m = new OfflinePoemModel();
    String sea = m.write("sonnet", "the sea", 1, "", "");
    assertThat(sea).isEqualTo(m.write("sonnet", "the sea", 1, "", ""));
    assertThat(sea).isNotEqualTo(m.write("sonnet", "the moon", 1, "", ""));
    assertThat(sea).isNotEqualTo(m.write("haiku", "the sea", 1, "", ""));
    assertThat(sea).isNotEqualTo(m.write("sonnet", "the sea", 2, sea, "more"));
  }

  @Test
  void writeEditLoopStopsAtMaxDraftsWhenTheEditorAlwaysHasFeedback() {
    Counting model = new Counting(new OfflinePoemModel(100));
    State child = runChild(model, "sonnet", 3);

    assertThat(child.getLong("num_drafts")).isEqualTo(3);
    assertThat(child.<String>getList("draft_history")).hasSize(3);
    assertThat(child.getString("feedback")).isNotEmpty();
    assertThat(child.getString("final_draft"))
        .isEqualTo(child.<String>getList("draft_history").get(2));
    assertThat(model.writes.get()).isEqualTo(3);
    assertThat(model.edits.get())
        .as("the last allowed draft is not sent to the editor")
        .isEqualTo(2);
  }

  @Test
  void writeEditLoopStopsEarlyWhenTheEditorHasNoMoreFeedback() {
    Counting model = new Counting(new OfflinePoemModel(2));
    State child = runChild(model, "sonnet", 5);

    assertThat(child.getLong("num_drafts")).isEqualTo(2);
    assertThat(child.getString("feedback")).isEmpty();
    assertThat(child.getString("final_draft"))
        .isEqualTo(child.<String>getList("draft_history").get(1));
    assertThat(model.writes.get()).isEqualTo(2);
    assertThat(model.edits.get()).isEqualTo(2);
  }

  @Test
  void aChildStateHoldsTheArticlesKeys() {
    State child = runChild(new OfflinePoemModel(), "haiku", 2);
    assertThat(child.userValues())
        .containsOnlyKeys(
            "poem_type",
            "poem_subject",
            "max_drafts",
            "draft_history",
            "feedback",
            "final_draft",
            "num_drafts");
  }

  @Test
  void theDefaultOfflineEditorLetsAHaikuGoAfterOneDraftAndHoldsTheOthersToMaxDrafts() {
    Counting model = new Counting(new OfflinePoemModel());
    RunResult r = run(model, TYPES, 2);

    assertThat(runChild(new OfflinePoemModel(), "haiku", 2).getLong("num_drafts")).isEqualTo(1);
    assertThat(runChild(new OfflinePoemModel(), "limerick", 2).getLong("num_drafts")).isEqualTo(2);
    // sonnet and limerick: write, edit, write; haiku: write, edit
    assertThat(model.writes.get()).isEqualTo(5);
    assertThat(model.edits.get()).isEqualTo(3);
    assertThat(r.state().getString("final_results")).contains("(draft 2)");
  }

  /** Counts calls to a model. */
  static final class Counting implements PoemModel {
    final PoemModel delegate;
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger edits = new AtomicInteger();

    Counting(PoemModel delegate) {
      this.delegate = delegate;
    }

    @Override
    public String write(
        String poemType,
        String subject,
        int draftNumber,
        String previousDraft,
        String feedback,
        java.util.function.Consumer<String> tokens) {
      writes.incrementAndGet();
      return delegate.write(poemType, subject, draftNumber, previousDraft, feedback, tokens);
    }

    @Override
    public String edit(String poemType, String subject, int draftNumber, String draft) {
      edits.incrementAndGet();
      return delegate.edit(poemType, subject, draftNumber, draft);
    }
  }
}
