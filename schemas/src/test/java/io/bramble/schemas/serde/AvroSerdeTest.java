package io.bramble.schemas.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.schemas.BrambleSchemas;
import io.bramble.schemas.Samples;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.StateData;
import io.bramble.schemas.avro.Task;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.schemas.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private static final String TOPIC = "bramble.tasks";

  private final CountingRegistry registry = new CountingRegistry();
  private final AvroSerde<Task> tasks = BrambleSerdes.forType(Task.class, registry);

  @Test
  void writesMagicByteZeroThenTheBigEndianSchemaIdThenPlainAvroBinary() throws Exception {
    for (int i = 0; i < 300; i++) { // push the id past one byte
      registry.register("filler-" + i, SchemaBuilder.record("Filler" + i).fields().endRecord());
    }
    Task task = Samples.task();

    byte[] bytes = tasks.serialize(TOPIC, task);

    int id = registry.latest("bramble.tasks-value").id();
    assertThat(id).isEqualTo(301);
    assertThat(Arrays.copyOfRange(bytes, 0, 5)).containsExactly(0, 0, 0, 0x01, 0x2d);
    ByteArrayOutputStream avro = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(avro, null);
    new SpecificDatumWriter<>(Task.class).write(task, encoder);
    encoder.flush();
    assertThat(Arrays.copyOfRange(bytes, 5, bytes.length)).isEqualTo(avro.toByteArray());
  }

  @Test
  void registersTheWriterSchemaOnceUnderTheTopicValueSubject() {
    for (int i = 0; i < 10; i++) {
      tasks.deserialize(TOPIC, tasks.serialize(TOPIC, Samples.task()));
    }
    assertThat(registry.subjects).containsExactly("bramble.tasks-value");
    assertThat(registry.latest("bramble.tasks-value").schema()).isEqualTo(Task.getClassSchema());
    assertThat(registry.lookups.get())
        .as("the writer schema is fetched once, then cached")
        .isEqualTo(1);
  }

  @Test
  void aKeySerdeRegistersUnderTheTopicKeySubject() {
    AvroSerde<Task> keys = new AvroSerde<>(Task.class);
    keys.configure(Map.of(AvroSerde.REGISTRY_INSTANCE_CONFIG, registry), true);
    keys.serialize(TOPIC, Samples.task());
    assertThat(registry.subjects).containsExactly("bramble.tasks-key");
  }

  @Test
  void everyMessageRoundTrips() {
    List<SpecificRecord> samples =
        List.of(
            Samples.jobRequest(),
            Samples.task(),
            Samples.fanOut(),
            Samples.taskResult(),
            Samples.checkpoint(),
            Samples.jobResult(),
            Samples.event());
    for (SpecificRecord sample : samples) {
      @SuppressWarnings("unchecked")
      AvroSerde<SpecificRecord> serde =
          new AvroSerde<>((Class<SpecificRecord>) sample.getClass(), registry);
      String topic = "bramble." + sample.getClass().getSimpleName();
      assertThat(serde.deserialize(topic, serde.serialize(topic, sample))).isEqualTo(sample);
    }
  }

  @Test
  void aNullRecordIsATombstoneBothWays() {
    assertThat(tasks.serialize(TOPIC, null)).isNull();
    assertThat(tasks.deserialize(TOPIC, null)).isNull();
  }

  @Test
  void aSerdeBuiltByKafkaDecodesToTheClassTheWriterSchemaNames() {
    byte[] bytes = tasks.serialize(TOPIC, Samples.task());
    AvroSerde<Task> reflective = new AvroSerde<>();
    reflective.configure(Map.of(AvroSerde.REGISTRY_INSTANCE_CONFIG, registry), false);
    assertThat(reflective.deserialize(TOPIC, bytes)).isEqualTo(Samples.task());
  }

  @Test
  void aSerdeWithoutARegistrySaysWhichConfigIsMissing() {
    AvroSerde<Task> unconfigured = new AvroSerde<>(Task.class);
    assertThatThrownBy(() -> unconfigured.serialize(TOPIC, Samples.task()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(SchemaRegistryClient.URL_CONFIG);
  }

  @Test
  void configureWithARegistryUrlCreatesAnHttpClient() {
    AvroSerde<Task> serde = new AvroSerde<>(Task.class);
    serde.configure(
        Map.of(
            "schema.registry.url",
            "http://registry.example:8081/apis/ccompat/v7",
            "basic.auth.user.info",
            "u:p"),
        false);
    assertThat(serde.registry()).isInstanceOf(SchemaRegistryClient.class);
    assertThat(((SchemaRegistryClient) serde.registry()).baseUrl())
        .isEqualTo("http://registry.example:8081/apis/ccompat/v7");
  }

  @Test
  void registeringAllTopicSchemasUsesThePrefixedTopicValueSubjects() {
    InMemorySchemaRegistry reg = new InMemorySchemaRegistry();
    Map<String, Integer> ids = BrambleSchemas.registerAll(reg, BrambleSchemas.DEFAULT_TOPIC_PREFIX);
    assertThat(ids.keySet())
        .containsExactly(
            "bramble.jobs-value",
            "bramble.tasks-value",
            "bramble.fanouts-value",
            "bramble.results-value",
            "bramble.checkpoints-value",
            "bramble.job-results-value",
            "bramble.events-value",
            "bramble.streams-value",
            "bramble.joined-value",
            "bramble.cancellations-value",
            "bramble.migrations-value");
    assertThat(BrambleSchemas.registerAll(reg, "bramble.")).isEqualTo(ids);
  }

  // ---- corrupt input -------------------------------------------------------------------------

  @Test
  void jsonIsNotConfluentWireFormat() {
    byte[] json = "{\"appId\":\"a\"}".getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> tasks.deserialize("bramble.jobs", json))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessage(
            "topic bramble.jobs: not Confluent wire format (first byte 0x7b, expected 0x00)");
  }

  @Test
  void anEmptyRecordIsNotConfluentWireFormat() {
    assertThatThrownBy(() -> tasks.deserialize(TOPIC, new byte[0]))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageStartingWith("topic bramble.tasks: not Confluent wire format (empty record");
  }

  @Test
  void aRecordShorterThanTheHeaderIsTooShort() {
    for (int n = 1; n < 5; n++) {
      byte[] shortRecord = new byte[n];
      assertThatThrownBy(() -> tasks.deserialize(TOPIC, shortRecord))
          .isInstanceOf(RecordDecodingException.class)
          .hasMessageContaining("topic bramble.tasks")
          .hasMessageContaining("record of " + n + " bytes is too short");
    }
  }

  @Test
  void anUnknownSchemaIdIsNamed() {
    byte[] bytes = tasks.serialize(TOPIC, Samples.task());
    ByteBuffer.wrap(bytes).putInt(1, 32767);
    assertThatThrownBy(() -> tasks.deserialize(TOPIC, bytes))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageStartingWith("topic bramble.tasks: unknown schema id 32767");
  }

  @Test
  void everyTruncationOfAValidRecordIsReportedNotMisread() {
    byte[] bytes = tasks.serialize(TOPIC, Samples.task());
    for (int n = 5; n < bytes.length; n++) {
      byte[] truncated = Arrays.copyOf(bytes, n);
      assertThatThrownBy(() -> tasks.deserialize(TOPIC, truncated))
          .as("truncated to %d of %d bytes", n, bytes.length)
          .isInstanceOf(RecordDecodingException.class)
          .hasMessageContaining("topic bramble.tasks")
          .hasMessageContaining("schema id 1 (io.bramble.schemas.avro.Task)");
    }
    assertThatThrownBy(() -> tasks.deserialize(TOPIC, Arrays.copyOf(bytes, bytes.length - 1)))
        .hasMessageContaining("truncated");
  }

  @Test
  void bytesLeftOverAfterTheRecordAreCorruption() {
    byte[] bytes = tasks.serialize(TOPIC, Samples.task());
    byte[] longer = Arrays.copyOf(bytes, bytes.length + 2);
    assertThatThrownBy(() -> tasks.deserialize(TOPIC, longer))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining("left over");
  }

  @Test
  void aRecordOfAnotherMessageTypeIsNamedWithBothTypes() {
    AvroSerde<Checkpoint> checkpoints = BrambleSerdes.forType(Checkpoint.class, registry);
    byte[] bytes = checkpoints.serialize("bramble.checkpoints", Samples.checkpoint());
    assertThatThrownBy(() -> tasks.deserialize(TOPIC, bytes))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining("io.bramble.schemas.avro.Checkpoint")
        .hasMessageContaining("cannot be read as io.bramble.schemas.avro.Task");
  }

  @Test
  void aHugeLengthPrefixIsCorruptionNotAnOutOfMemoryError() {
    byte[] header = Arrays.copyOf(tasks.serialize(TOPIC, Samples.task()), 5);
    // taskId's length as a zig-zag varint of Integer.MAX_VALUE - 16, then nothing
    byte[] hugeString = concat(header, varint(Integer.MAX_VALUE - 16));
    assertThatThrownBy(() -> tasks.deserialize(TOPIC, hugeString))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining("needs 2147483631 more bytes, 0 left");
    // a StateData whose entry count claims a billion entries
    AvroSerde<StateData> states = BrambleSerdes.forType(StateData.class, registry);
    byte[] stateHeader =
        Arrays.copyOf(states.serialize("bramble.states", StateCodec.fromMap(Map.of())), 5);
    byte[] hugeCount = concat(stateHeader, varint(1_000_000_000));
    assertThatThrownBy(() -> states.deserialize("bramble.states", hugeCount))
        .isInstanceOf(RecordDecodingException.class)
        .hasMessageContaining("block count 1000000000 exceeds the 0 bytes left");
    // a negative length
    byte[] negative = concat(header, varint(-5));
    assertThatThrownBy(() -> tasks.deserialize(TOPIC, negative))
        .isInstanceOf(RecordDecodingException.class);
  }

  @Test
  void randomCorruptionEitherDecodesOrFailsWithRecordDecodingException() {
    byte[] valid = tasks.serialize(TOPIC, Samples.task());
    Random random = new Random(7);
    int failures = 0;
    for (int i = 0; i < 3000; i++) {
      byte[] corrupt = valid.clone();
      int flips = 1 + random.nextInt(4);
      for (int f = 0; f < flips; f++) {
        corrupt[5 + random.nextInt(corrupt.length - 5)] = (byte) random.nextInt(256);
      }
      try {
        tasks.deserialize(TOPIC, corrupt);
      } catch (RecordDecodingException e) {
        failures++;
        assertThat(e.getMessage()).startsWith("topic bramble.tasks: ");
      }
    }
    assertThat(failures).isPositive();
  }

  // ---- decoded deserializer and consumer failures --------------------------------------------

  @Test
  void theDecodedDeserializerReturnsPoisonRecordsWithTheirBytesInsteadOfThrowing() {
    DecodedDeserializer<Task> decoding = BrambleSerdes.decoding(Task.class, registry);
    byte[] good = tasks.serialize(TOPIC, Samples.task());
    byte[] bad = {0x7b, 0x7d};

    assertThat(decoding.deserialize(TOPIC, good).value()).isEqualTo(Samples.task());
    Decoded<Task> failed = decoding.deserialize(TOPIC, bad);
    assertThat(failed.isFailed()).isTrue();
    assertThat(failed.failure())
        .isEqualTo("not Confluent wire format (first byte 0x7b, expected 0x00)");
    assertThat(failed.raw()).isEqualTo(bad);
    assertThatThrownBy(() -> failed.orElseThrow(TOPIC)).isInstanceOf(RecordDecodingException.class);
  }

  private static byte[] varint(int n) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    long z = ((long) n << 1) ^ ((long) n >> 63);
    while ((z & ~0x7FL) != 0) {
      out.write((int) ((z & 0x7F) | 0x80));
      z >>>= 7;
    }
    out.write((int) z);
    return out.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
