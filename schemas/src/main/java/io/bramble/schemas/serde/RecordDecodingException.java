package io.bramble.schemas.serde;

import org.apache.kafka.common.errors.SerializationException;

/**
 * A record's bytes cannot be decoded: not Confluent wire format, too short, an unknown schema id, a
 * writer schema the reader cannot read, or truncated/corrupt Avro. Such a record is poison:
 * retrying does not help, so route it to a dead-letter topic (see {@link DecodedDeserializer}).
 * Registry outages are not decoding failures; they surface as {@link
 * io.bramble.schemas.registry.SchemaRegistryException}.
 *
 * <p>The message is {@code "topic <topic>: <problem>"}; {@link #problem()} is the part after the
 * topic.
 */
public class RecordDecodingException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final String problem;

  public RecordDecodingException(String topic, String problem, Throwable cause) {
    super("topic " + topic + ": " + problem, cause);
    this.topic = topic;
    this.problem = problem;
  }

  public RecordDecodingException(String topic, String problem) {
    this(topic, problem, null);
  }

  public String topic() {
    return topic;
  }

  /** What is wrong with the bytes, without the topic. */
  public String problem() {
    return problem;
  }
}
