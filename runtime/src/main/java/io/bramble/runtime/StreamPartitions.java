package io.bramble.runtime;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The streams topic's partition of a job: workers write every chunk of a root's tree there, and a
 * client follows that one partition. The same hash as Kafka's default partitioner of a string key,
 * so tools that read the topic by key agree.
 */
public final class StreamPartitions {
  private StreamPartitions() {}

  public static int of(String rootAppId, int partitions) {
    return Utils.toPositive(Utils.murmur2(rootAppId.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
