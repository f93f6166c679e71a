package io.bramble.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

/**
 * The records a consumer group has yet to take, per partition. Bramble's topics are written in
 * transactions, and the commit marker after a transaction's last record takes an offset the
 * workers' parallel consumer never commits past (it commits after the last record it ran): offsets
 * alone showed a lag of 1 on every idle partition. So a gap between the committed offset and the
 * end is read, and only records are counted: an idle group reads 0. Gaps wider than {@link
 * #COUNTED_UP_TO} are given as offsets, so a look at a large backlog stays cheap: at most twice the
 * records (when each transaction holds one).
 */
public final class Backlog {
  /** Gaps up to this many offsets are read and their records counted. */
  static final long COUNTED_UP_TO = 16;

  /**
   * One partition: the group's position ({@code from}: its committed offset, or the partition's
   * start if it has none), the end of what is committed ({@code to}), and the records between.
   */
  public record Gap(TopicPartition partition, long from, long to, long waiting) {}

  private Backlog() {}

  /**
   * The gaps of {@code group} on {@code partitions}, read with {@code reader} (a read-committed
   * consumer of no group, whose assignment this changes), each read for at most {@code timeout}.
   */
  public static List<Gap> of(
      Admin admin,
      KafkaConsumer<?, ?> reader,
      String group,
      Collection<TopicPartition> partitions,
      Duration timeout)
      throws InterruptedException, ExecutionException {
    Map<TopicPartition, OffsetAndMetadata> committed =
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
    Map<TopicPartition, OffsetSpec> earliest = new HashMap<>();
    partitions.forEach(
        p -> {
          latest.put(p, OffsetSpec.latest());
          earliest.put(p, OffsetSpec.earliest());
        });
    ListOffsetsOptions readCommitted = new ListOffsetsOptions(IsolationLevel.READ_COMMITTED);
    Map<TopicPartition, ListOffsetsResultInfo> ends =
        admin.listOffsets(latest, readCommitted).all().get();
    Map<TopicPartition, ListOffsetsResultInfo> starts =
        admin.listOffsets(earliest, readCommitted).all().get();
    List<Gap> gaps = new ArrayList<>();
    for (TopicPartition p : partitions) {
      OffsetAndMetadata c = committed.get(p);
      long from = c == null ? starts.get(p).offset() : c.offset();
      long to = ends.get(p).offset();
      long waiting =
          to <= from
              ? 0
              : to - from > COUNTED_UP_TO ? to - from : records(reader, p, from, to, timeout);
      gaps.add(new Gap(p, from, to, waiting));
    }
    return gaps;
  }

  /** The sum of {@code gaps}' waiting records. */
  public static long waiting(List<Gap> gaps) {
    return gaps.stream().mapToLong(Gap::waiting).sum();
  }

  /**
   * Records in [from, to) of {@code partition}; the offset gap if they could not all be read within
   * {@code timeout}.
   */
  private static long records(
      KafkaConsumer<?, ?> reader, TopicPartition partition, long from, long to, Duration timeout) {
    reader.assign(List.of(partition));
    reader.seek(partition, from);
    long deadline = System.nanoTime() + timeout.toNanos();
    long count = 0;
    // The position passes markers without returning them: it reaches `to` once all is read.
    while (reader.position(partition) < to) {
      if (System.nanoTime() > deadline) {
        return to - from;
      }
      for (var r : reader.poll(Duration.ofMillis(100))) {
        if (r.offset() < to) {
          count++;
        }
      }
    }
    return count;
  }
}
