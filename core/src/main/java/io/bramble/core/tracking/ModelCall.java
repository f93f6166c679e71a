package io.bramble.core.tracking;

/**
 * One call to a language model made by a step: the model, the tokens of the prompt and of the reply
 * (as the endpoint counts them), and how long the call took, retries included.
 */
public record ModelCall(String model, long inputTokens, long outputTokens, long durationMs) {}
