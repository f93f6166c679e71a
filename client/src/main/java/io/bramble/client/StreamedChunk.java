package io.bramble.client;

/**
 * A partial result of a running step of a job's tree, as a client reads it from the streams topic:
 * app {@code appId} (child of {@code parentAppId}, null for the root) at {@code label} in the tree
 * (empty for the root, {@code generate_all_poems[1]} for a child), step {@code sequenceId} of
 * {@code action}, {@code text} as emitted. {@code attempt} says which run of the step it belongs
 * to, 1 for the first: a step that runs again (its retry policy, or a worker that crashed mid-step)
 * streams again from its start under the next attempt, so a reader drops what it showed of the
 * earlier one.
 */
public record StreamedChunk(
    String rootAppId,
    String appId,
    String parentAppId,
    String label,
    String action,
    long sequenceId,
    int attempt,
    String text,
    String workerId,
    long emittedAtMs) {}
