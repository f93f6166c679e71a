package io.bramble.launcher.bench;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.FinalizedVersionRange;

/**
 * What the coordinator's exactly-once commits cost, from Kafka Streams' own stream-thread metrics:
 * every hop from the coordinator to a worker or a client waits for one.
 */
final class CommitCost {
  private CommitCost() {}

  /** Kafka Streams' average commit over the last 30 s, in milliseconds; NaN when unknown. */
  static double streamsAverageMs(MeterRegistry meters) {
    return value(meters, "kafka.stream.thread.commit.latency.avg");
  }

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
            max)
        + split(meters, total);
  }

  /**
   * Where a commit's time goes, averaged over the whole run from the transactional producer's own
   * totals: flushing the records of the transaction, adding the consumed offsets to it, and ending
   * it (the broker writing its markers); empty when the producer reports none.
   */
  private static String split(MeterRegistry meters, double commits) {
    double flush = sum(meters, "kafka.producer.flush.time.ns.total");
    double offsets = sum(meters, "kafka.producer.txn.send.offsets.time.ns.total");
    double end = sum(meters, "kafka.producer.txn.commit.time.ns.total");
    if (Double.isNaN(end) || commits <= 0) {
      return "";
    }
    return String.format(
        Locale.ROOT,
        "; per commit, over the run: flush %.1f ms, offsets %.1f ms, end of transaction %.1f ms",
        flush / commits / 1e6,
        offsets / commits / 1e6,
        end / commits / 1e6);
  }

  /**
   * Records the coordinator's producers sent again so far (a produce answered {@code
   * CONCURRENT_TRANSACTIONS} or {@code OUT_OF_ORDER_SEQUENCE_NUMBER} is retried after the
   * producer's back-off, inside the transaction that holds a job's next hop); 0 when none reports.
   */
  static double coordinatorRetries(MeterRegistry meters) {
    double retries = sum(meters, "kafka.producer.record.retry.total");
    return Double.isNaN(retries) ? 0 : retries;
  }

  /**
   * The {@code transaction.version} the cluster has finalized (2: KIP-890's transactions, one round
   * trip fewer per transaction), or -1 when it cannot be read.
   */
  static int transactionVersion(Map<String, Object> clientProps) {
    try (Admin admin = Admin.create(clientProps)) {
      FinalizedVersionRange v =
          admin
              .describeFeatures()
              .featureMetadata()
              .get(10, TimeUnit.SECONDS)
              .finalizedFeatures()
              .get("transaction.version");
      return v == null ? 0 : v.maxVersionLevel();
    } catch (ExecutionException | TimeoutException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  /**
   * The sum of that meter over the coordinator's producers (one per stream thread; the workers'
   * producers report to the same registry); NaN when there is none.
   */
  private static double sum(MeterRegistry meters, String name) {
    double sum = Double.NaN;
    for (Meter m : meters.find(name).meters()) {
      String client = m.getId().getTag("client.id");
      if (client == null || !client.contains("StreamThread")) {
        continue;
      }
      double v = m.measure().iterator().next().getValue();
      sum = Double.isNaN(sum) ? v : sum + v;
    }
    return sum;
  }

  private static double value(MeterRegistry meters, String name) {
    Meter m = meters.find(name).meter();
    if (m == null) {
      return Double.NaN;
    }
    return m.measure().iterator().next().getValue();
  }
}
