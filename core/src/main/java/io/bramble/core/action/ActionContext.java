package io.bramble.core.action;

import io.bramble.core.parallel.ParallelExecutor;
import io.bramble.core.persistence.Persister;
import io.bramble.core.tracking.Tracker;

/**
 * Where an action runs: the application's identity and the step's sequence id, with the tracker,
 * persister and parallel executor an action needs to launch its own sub-applications (the "full
 * control" level of parallelism). Tracker and persister may be null.
 */
public record ActionContext(
    String appId,
    String partitionKey,
    long sequenceId,
    String actionName,
    Tracker tracker,
    Persister persister,
    ParallelExecutor parallelExecutor) {}
