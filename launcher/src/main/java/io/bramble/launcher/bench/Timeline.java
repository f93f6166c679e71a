package io.bramble.launcher.bench;

import io.bramble.schemas.avro.EventKind;
import io.bramble.schemas.avro.TrackingEvent;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Where the time of one job went, hop by hop, from its tracking events (wall-clock milliseconds,
 * one machine): the coordinator's intake, the root's task taken up by a worker, the fan-out
 * reaching the coordinator, the children's first and last steps, the join completed at the
 * coordinator, its reduce taken up by a worker, the root ended there (its job's result written),
 * the coordinator's end of the job, and the client holding the result.
 */
final class Timeline {
  private Timeline() {}

  /**
   * Milliseconds after {@code submittedAtMs} of each hop of job {@code rootAppId}; -1 when unseen.
   */
  static Map<String, Long> of(
      String rootAppId, long submittedAtMs, long resultSeenAtMs, List<TrackingEvent> events) {
    Map<String, Long> hops = new LinkedHashMap<>();
    hops.put(
        "intake",
        first(
            events,
            e -> e.getKind() == EventKind.APP_CREATED && isRoot(e, rootAppId) && byCoordinator(e)));
    hops.put(
        "root task on a worker",
        first(
            events,
            e ->
                e.getKind() == EventKind.APP_CREATED && isRoot(e, rootAppId) && !byCoordinator(e)));
    hops.put("fan-out at the coordinator", first(events, e -> e.getKind() == EventKind.FANOUT));
    // A quick step is reported by its end alone, which says when it started.
    hops.put(
        "first child step",
        events.stream()
            .filter(e -> e.getKind() == EventKind.STEP_END && !isRoot(e, rootAppId))
            .filter(e -> e.getStartedAtMs() != null)
            .mapToLong(TrackingEvent::getStartedAtMs)
            .min()
            .orElse(-1));
    hops.put(
        "last child step done",
        last(events, e -> e.getKind() == EventKind.STEP_END && !isRoot(e, rootAppId)));
    hops.put(
        "join complete",
        first(events, e -> e.getKind() == EventKind.JOIN_PROGRESS && e.getReduced()));
    hops.put(
        "reduce on a worker",
        events.stream()
            .filter(e -> e.getKind() == EventKind.STEP_END && isRoot(e, rootAppId))
            .filter(e -> e.getStartedAtMs() != null)
            .mapToLong(TrackingEvent::getStartedAtMs)
            .max()
            .orElse(-1));
    hops.put(
        "root ended on the worker",
        first(events, e -> e.getKind() == EventKind.APP_ENDED && isRoot(e, rootAppId)));
    hops.put("job done at the coordinator", first(events, e -> e.getKind() == EventKind.JOB_DONE));
    hops.put("client has the result", resultSeenAtMs);
    hops.replaceAll((hop, at) -> at < 0 ? -1 : at - submittedAtMs);
    return hops;
  }

  private static boolean byCoordinator(TrackingEvent e) {
    return "coordinator".equals(e.getWorkerId());
  }

  private static boolean isRoot(TrackingEvent e, String rootAppId) {
    return rootAppId.equals(e.getAppId());
  }

  private static long first(List<TrackingEvent> events, Predicate<TrackingEvent> which) {
    return events.stream().filter(which).mapToLong(TrackingEvent::getTimestampMs).min().orElse(-1);
  }

  private static long last(List<TrackingEvent> events, Predicate<TrackingEvent> which) {
    return events.stream().filter(which).mapToLong(TrackingEvent::getTimestampMs).max().orElse(-1);
  }
}
