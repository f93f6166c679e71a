package io.bramble.core.tracking;

import io.bramble.core.graph.Graph;

/**
 * An application as it is created: its identity, graph and where it came from. {@code parent} is
 * set for a child of a parallel step; {@code forkedFrom} for a fork.
 */
public record ApplicationInfo(
    String appId,
    String partitionKey,
    Graph graph,
    String entrypoint,
    ParentPointer parent,
    ParentPointer forkedFrom) {}
