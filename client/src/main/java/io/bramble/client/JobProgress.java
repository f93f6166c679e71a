package io.bramble.client;

import io.bramble.runtime.Records;
import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.TrackingEvent;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** A job's progress as its events tell it: its joins' counts, and the pools it waits for. */
final class JobProgress {
  private final Map<String, long[]> joins = new HashMap<>();
  private final Map<String, Long> waitingForPools = new TreeMap<>();

  /** The job's progress after {@code e}, if {@code e} changed it. */
  Optional<JobClient.Progress> track(TrackingEvent e, String rootAppId) {
    if (!rootAppId.equals(e.getRootAppId())) {
      return Optional.empty();
    }
    switch (e.getKind()) {
      case FANOUT, JOIN_PROGRESS -> {
        if (e.getTotal() == null) {
          return Optional.empty();
        }
        String join = Records.stepId(e.getAppId(), e.getSequenceId());
        long done = e.getKind() == EventKind.FANOUT || e.getDone() == null ? 0 : e.getDone();
        long[] dt = joins.computeIfAbsent(join, k -> new long[2]);
        dt[0] = Math.max(dt[0], done);
        dt[1] = e.getTotal();
      }
      case POOL_WAITING -> waitingForPools.put(e.getPool(), e.getLag() == null ? 0 : e.getLag());
      case POOL_SERVED -> waitingForPools.remove(e.getPool());
      default -> {
        return Optional.empty();
      }
    }
    long allDone = 0;
    long allTotal = 0;
    for (long[] v : joins.values()) {
      allDone += v[0];
      allTotal += v[1];
    }
    return Optional.of(new JobClient.Progress(allDone, allTotal, waitingForPools));
  }
}
