package io.bramble.examples.poems;

import io.bramble.llm.ChatMessage;
import io.bramble.llm.ChatModel;
import io.bramble.llm.OpenAiChatModel;
import java.util.List;
import java.util.function.Consumer;

/**
 * The poems model on a chat model of {@code bramble-llm} (an OpenAI-compatible endpoint, say): the
 * poet's and the editor's prompts, and the editor's "no more work" answer read as empty feedback.
 * The poet's drafts stream token by token as the model sends them.
 */
public final class ChatPoemModel implements PoemModel, AutoCloseable {
  /** The editor answers this (or nothing) when a poem needs no more work. */
  static final String SATISFIED = "LGTM";

  private final ChatModel model;

  public ChatPoemModel(ChatModel model) {
    this.model = model;
  }

  public ChatModel chatModel() {
    return model;
  }

  @Override
  public String write(
      String poemType,
      String subject,
      int draftNumber,
      String previousDraft,
      String feedback,
      Consumer<String> tokens) {
    String user =
        previousDraft.isEmpty()
            ? "Write a " + poemType + " about " + subject + "."
            : "Here is your previous draft of a "
                + poemType
                + " about "
                + subject
                + ":\n\n"
                + previousDraft
                + "\n\nYour editor says:\n"
                + feedback
                + "\n\nWrite an improved draft.";
    return model.chat(
        List.of(
            ChatMessage.system(
                "You are a poet. Reply with the poem only, without commentary or a title line."),
            ChatMessage.user(user)),
        tokens);
  }

  @Override
  public String edit(String poemType, String subject, int draftNumber, String draft) {
    String answer =
        model.chat(
            "You are a demanding poetry editor. Give short, concrete feedback on how to improve the poem "
                + "as a "
                + poemType
                + ". If it needs no more work, reply with exactly "
                + SATISFIED
                + ".",
            "A " + poemType + " about " + subject + ":\n\n" + draft);
    String trimmed = answer.strip();
    return trimmed.isEmpty() || trimmed.equalsIgnoreCase(SATISFIED) ? "" : trimmed;
  }

  @Override
  public void close() {
    if (model instanceof OpenAiChatModel c) {
      c.close();
    }
  }

  @Override
  public String toString() {
    return "ChatPoemModel(" + model + ")";
  }
}
