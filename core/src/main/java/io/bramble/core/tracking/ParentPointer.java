package io.bramble.core.tracking;

/** Points at a step of another application: the parent that spawned a child, or a fork's source. */
public record ParentPointer(String appId, String partitionKey, long sequenceId) {}
