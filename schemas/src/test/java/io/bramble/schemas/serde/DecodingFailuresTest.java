package io.bramble.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.bramble.schemas.avro.JobRequest;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.schemas.registry.RegistryUnreachableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.RecordDeserializationException.DeserializationExceptionOrigin;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class DecodingFailuresTest {

  /** What a Kafka 4 consumer's poll() throws when the value deserializer fails. */
  private static RecordDeserializationException fromPoll(
      String topic, int partition, long offset, byte[] value, Throwable cause) {
    return new RecordDeserializationException(
        DeserializationExceptionOrigin.VALUE,
        new TopicPartition(topic, partition),
        offset,
        0L,
        TimestampType.CREATE_TIME,
        null,
        ByteBuffer.wrap(value),
        new RecordHeaders(),
        "Error deserializing VALUE for partition "
            + topic
            + "-"
            + partition
            + " at offset "
            + offset,
        cause);
  }

  @Test
  void describeNamesTopicPartitionOffsetAndTheProblem() {
    byte[] json = "{\"graph\":\"poems\"}".getBytes(StandardCharsets.UTF_8);
    Throwable cause =
        catchThrowable(
            () ->
                BrambleSerdes.forType(JobRequest.class, new InMemorySchemaRegistry())
                    .deserialize("bramble.jobs", json));

    RecordDeserializationException e = fromPoll("bramble.jobs", 0, 12, json, cause);

    assertThat(DecodingFailures.describe(e))
        .isEqualTo(
            "topic bramble.jobs partition 0 offset 12: not Confluent wire format (first byte 0x7b, expected 0x00)");
    assertThat(DecodingFailures.isPoison(e)).isTrue();
    assertThat(DecodingFailures.rawValue(e)).isEqualTo(json);
  }

  @Test
  void aRegistryOutageIsNotPoison() {
    RecordDeserializationException e =
        fromPoll(
            "bramble.jobs",
            2,
            40,
            new byte[] {0, 0, 0, 0, 1},
            new RegistryUnreachableException(
                "http://registry:8081/schemas/ids/1",
                "schema registry unreachable at" + " http://registry:8081/schemas/ids/1",
                null));
    assertThat(DecodingFailures.isPoison(e)).isFalse();
    assertThat(DecodingFailures.describe(e))
        .isEqualTo(
            "topic bramble.jobs partition 2 offset 40: schema registry unreachable at http://registry:8081/schemas/ids/1");
  }
}
