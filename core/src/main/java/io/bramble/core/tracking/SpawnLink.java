package io.bramble.core.tracking;

/** A parallel step of the parent launched the child at {@code childIndex} of its tasks. */
public record SpawnLink(
    String parentAppId,
    String partitionKey,
    long parentSequenceId,
    String parentAction,
    String childAppId,
    int childIndex) {}
