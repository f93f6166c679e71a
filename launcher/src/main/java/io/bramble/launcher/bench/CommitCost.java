package io.bramble.launcher.bench;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;

/**
 * What the coordinator's exactly-once commits cost, from Kafka Streams' own stream-thread metrics:
 * every hop from the coordinator to a worker or a client waits for one.
 */
final class CommitCost {
  private CommitCost() {}

  /** "N commits; over the last 30 s avg A ms, max M ms", or why it is unknown. */
  static String describe(MeterRegistry meters) {
    double avg = value(meters, "kafka.stream.thread.commit.latency.avg");
    double max = value(meters, "kafka.stream.thread.commit.latency.max");
    double total = value(meters, "kafka.stream.thread.commit.total");
    if (Double.isNaN(avg)) {
      return "unknown (no stream-thread metrics)";
    }
    return String.format(
        Locale.ROOT,
        "%.0f commits; over the last 30 s avg %.1f ms, max %.1f ms each",
        total,
        avg,
        max);
  }

  private static double value(MeterRegistry meters, String name) {
    Meter m = meters.find(name).meter();
    if (m == null) {
      return Double.NaN;
    }
    return m.measure().iterator().next().getValue();
  }
}
