package io.bramble.llm;

import java.util.Objects;

/** One message of a chat: who says it and what. */
public record ChatMessage(Role role, String content) {
  /** The speakers of the chat-completions API. */
  public enum Role {
    SYSTEM,
    USER,
    ASSISTANT
  }

  public ChatMessage {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
  }

  public static ChatMessage system(String content) {
    return new ChatMessage(Role.SYSTEM, content);
  }

  public static ChatMessage user(String content) {
    return new ChatMessage(Role.USER, content);
  }

  public static ChatMessage assistant(String content) {
    return new ChatMessage(Role.ASSISTANT, content);
  }
}
