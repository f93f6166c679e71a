package io.bramble.runtime;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** Headers that say why a record went to the dead-letter topic and where it came from. */
public final class DeadLetters {
  public static final String REASON = "bramble.dlq.reason";
  public static final String SOURCE_TOPIC = "bramble.dlq.topic";
  public static final String SOURCE_PARTITION = "bramble.dlq.partition";
  public static final String SOURCE_OFFSET = "bramble.dlq.offset";

  private DeadLetters() {}

  public static Headers headers(String reason, String topic, int partition, long offset) {
    RecordHeaders h = new RecordHeaders();
    h.add(REASON, reason.getBytes(StandardCharsets.UTF_8));
    h.add(SOURCE_TOPIC, topic.getBytes(StandardCharsets.UTF_8));
    h.add(SOURCE_PARTITION, Integer.toString(partition).getBytes(StandardCharsets.UTF_8));
    h.add(SOURCE_OFFSET, Long.toString(offset).getBytes(StandardCharsets.UTF_8));
    return h;
  }

  public static String reason(Headers headers) {
    var h = headers.lastHeader(REASON);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }
}
