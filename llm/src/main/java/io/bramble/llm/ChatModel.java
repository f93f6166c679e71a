package io.bramble.llm;

import java.util.List;
import java.util.function.Consumer;

/**
 * A chat model: messages in, the reply's text out. Actions call it from many child applications at
 * once, so implementations are thread-safe. A failed call throws {@link ChatModelException} naming
 * the endpoint and the reason, after the implementation's own retries.
 */
public interface ChatModel {
  /** The reply to {@code messages}. */
  default String chat(List<ChatMessage> messages) {
    return chat(messages, null);
  }

  /**
   * The reply to {@code messages}, its pieces handed to {@code onToken} (may be null) as they
   * arrive, in order; the pieces joined are the reply.
   */
  String chat(List<ChatMessage> messages, Consumer<String> onToken);

  /** A system prompt and a user message. */
  default String chat(String system, String user) {
    return chat(List.of(ChatMessage.system(system), ChatMessage.user(user)));
  }
}
