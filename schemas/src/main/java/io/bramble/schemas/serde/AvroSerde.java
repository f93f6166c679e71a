package io.bramble.schemas.serde;

import io.bramble.schemas.registry.SchemaNotFoundException;
import io.bramble.schemas.registry.SchemaRegistry;
import io.bramble.schemas.registry.SchemaRegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Serializer, deserializer and serde of Avro records in the Confluent wire format: byte {@code
 * 0x00}, the writer schema's registry id as 4 bytes big-endian, then the Avro binary encoding. Any
 * Confluent-compatible consumer (Java, Python, Go, Node) reads what this writes, and vice versa.
 *
 * <p><b>Writing</b> registers the record's schema under the subject {@code <topic>-value} ({@code
 * <topic>-key} when configured as a key serde; topic-name strategy) once per schema, then caches
 * the id.
 *
 * <p><b>Reading</b> fetches the writer schema by the id in the record (cached) and resolves it
 * against the reader schema, the generated class's, so records written with an older or newer
 * compatible version of the schema decode (added fields take their defaults, removed ones are
 * skipped). Undecodable bytes throw {@link RecordDecodingException} naming the topic and the
 * problem; use {@link DecodedDeserializer} to get them back as values instead, and {@link
 * DecodingFailures} for what a consumer's {@code poll()} throws. A null record (tombstone)
 * serializes and deserializes to null.
 *
 * <pre>{@code
 * SchemaRegistry registry = SchemaRegistryClient.builder("http://localhost:8081").build();
 * AvroSerde<Task> tasks = BrambleSerdes.forType(Task.class, registry);
 * byte[] bytes = tasks.serialize("bramble.tasks", task);
 * Task back = tasks.deserialize("bramble.tasks", bytes);
 * }</pre>
 *
 * <p>When Kafka instantiates it from a class name (e.g. {@code value.deserializer}), the
 * no-argument constructor is used: {@link #configure} then creates a {@link SchemaRegistryClient}
 * from {@value SchemaRegistryClient#URL_CONFIG} (and {@value
 * SchemaRegistryClient#BASIC_AUTH_USER_INFO_CONFIG}), or takes a {@link SchemaRegistry} object
 * given under {@value #REGISTRY_INSTANCE_CONFIG}, and records decode to the generated class named
 * by their writer schema.
 *
 * <p>Thread-safe.
 */
public class AvroSerde<T extends IndexedRecord>
    implements Serde<T>, Serializer<T>, Deserializer<T> {

  /** The first byte of every record in the Confluent wire format. */
  public static final byte MAGIC_BYTE = 0x0;

  /** Magic byte plus schema id. */
  public static final int HEADER_SIZE = 5;

  /**
   * Config key under which a {@link SchemaRegistry} instance may be passed to {@link #configure}.
   */
  public static final String REGISTRY_INSTANCE_CONFIG = "bramble.schema.registry.instance";

  private final Class<T> type;
  private final Schema readerSchema;
  private final GenericData model;
  private volatile SchemaRegistry registry;
  private volatile boolean isKey;

  private final Map<SubjectSchema, Integer> ids = new ConcurrentHashMap<>();
  private final Map<Schema, DatumWriter<T>> writers = new ConcurrentHashMap<>();

  /**
   * writer schema id → a DatumReader, or a String saying why records with that id cannot be read.
   */
  private final Map<Integer, Object> readers = new ConcurrentHashMap<>();

  private record SubjectSchema(String subject, Schema schema) {}

  private record Reader(DatumReader<?> reader, String what) {}

  /** For Kafka's reflective instantiation: {@link #configure} must supply the registry. */
  public AvroSerde() {
    this(null, null, SpecificData.get(), null);
  }

  /** A serde of {@code type}; {@link #configure} must supply the registry. */
  public AvroSerde(Class<T> type) {
    this(type, null);
  }

  /** A serde of the generated class {@code type} using {@code registry}. */
  public AvroSerde(Class<T> type, SchemaRegistry registry) {
    this(
        Objects.requireNonNull(type, "type"),
        SpecificData.getForClass(type).getSchema(type),
        SpecificData.getForClass(type),
        registry);
  }

  /**
   * A serde of {@link GenericRecord}s that reads every record as {@code readerSchema} (strings
   * decode as {@link org.apache.avro.util.Utf8}). For tools and tests that have no generated class.
   */
  public static AvroSerde<GenericRecord> generic(Schema readerSchema, SchemaRegistry registry) {
    return new AvroSerde<>(
        null, Objects.requireNonNull(readerSchema, "readerSchema"), GenericData.get(), registry);
  }

  private AvroSerde(
      Class<T> type, Schema readerSchema, GenericData model, SchemaRegistry registry) {
    this.type = type;
    this.readerSchema = readerSchema;
    this.model = model;
    this.registry = registry;
  }

  /**
   * The subject a topic's values (or keys) are registered under: {@code <topic>-value} / {@code
   * <topic>-key}.
   */
  public static String subjectFor(String topic, boolean isKey) {
    return topic + (isKey ? "-key" : "-value");
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    this.isKey = isKey;
    Object instance = configs.get(REGISTRY_INSTANCE_CONFIG);
    if (instance instanceof SchemaRegistry) {
      this.registry = (SchemaRegistry) instance;
    } else if (registry == null && configs.get(SchemaRegistryClient.URL_CONFIG) != null) {
      this.registry = SchemaRegistryClient.fromConfig(configs);
    }
  }

  /** The registry this serde uses. */
  public SchemaRegistry registry() {
    SchemaRegistry r = registry;
    if (r == null) {
      throw new IllegalStateException(
          "AvroSerde"
              + (type == null ? "" : "<" + type.getSimpleName() + ">")
              + " has no schema registry: pass one to the constructor or configure() it with "
              + SchemaRegistryClient.URL_CONFIG);
    }
    return r;
  }

  // ---- serializer --------------------------------------------------------------------------

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    Schema schema = record.getSchema();
    String subject = subjectFor(topic, isKey);
    int id =
        ids.computeIfAbsent(
            new SubjectSchema(subject, schema), k -> registry().register(k.subject(), k.schema()));
    DatumWriter<T> writer = writers.computeIfAbsent(schema, this::newWriter);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.write(MAGIC_BYTE);
    out.write(id >>> 24);
    out.write(id >>> 16);
    out.write(id >>> 8);
    out.write(id);
    try {
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      writer.write(record, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException(
          "topic " + topic + ": cannot encode " + schema.getFullName() + ": " + describe(e), e);
    }
    return out.toByteArray();
  }

  @SuppressWarnings("unchecked")
  private DatumWriter<T> newWriter(Schema schema) {
    return (DatumWriter<T>) model.createDatumWriter(schema);
  }

  // ---- deserializer ------------------------------------------------------------------------

  /**
   * Decodes a record written in the Confluent wire format.
   *
   * @throws RecordDecodingException when the bytes cannot be decoded (never for registry outages)
   */
  @Override
  @SuppressWarnings("unchecked")
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (data.length == 0) {
      throw new RecordDecodingException(
          topic,
          "not Confluent wire format (empty record: 0 bytes, expected magic"
              + " byte 0x00 and a 4-byte schema id)");
    }
    if (data[0] != MAGIC_BYTE) {
      throw new RecordDecodingException(
          topic,
          String.format(
              "not Confluent wire format (first byte 0x%02x," + " expected 0x00)", data[0] & 0xff));
    }
    if (data.length < HEADER_SIZE) {
      throw new RecordDecodingException(
          topic,
          "not Confluent wire format (record of "
              + data.length
              + " bytes is"
              + " too short for magic byte 0x00 and a 4-byte schema id)");
    }
    int id = ByteBuffer.wrap(data, 1, 4).getInt();
    Object reader = readerFor(topic, id);
    if (reader instanceof String) {
      throw new RecordDecodingException(topic, (String) reader);
    }
    String what = ((Reader) reader).what();
    BoundedDecoder decoder = new BoundedDecoder(data, HEADER_SIZE, data.length - HEADER_SIZE);
    T value;
    try {
      value = ((DatumReader<T>) ((Reader) reader).reader()).read(null, decoder);
    } catch (EOFException e) {
      throw new RecordDecodingException(
          topic,
          "truncated Avro data for "
              + what
              + ": the "
              + (data.length - HEADER_SIZE)
              + "-byte body ends inside the record ("
              + e.getMessage()
              + ")",
          e);
    } catch (IOException | RuntimeException e) {
      throw new RecordDecodingException(
          topic, "corrupt Avro data for " + what + ": " + describe(e), e);
    } catch (StackOverflowError e) {
      throw new RecordDecodingException(
          topic, "corrupt Avro data for " + what + ": values nested too deeply to" + " decode");
    }
    if (!decoder.isEnd()) {
      throw new RecordDecodingException(
          topic,
          "corrupt Avro data for "
              + what
              + ": bytes left over after the"
              + " record ("
              + (data.length - HEADER_SIZE)
              + "-byte body)");
    }
    return value;
  }

  private Object readerFor(String topic, int id) {
    Object cached = readers.get(id);
    if (cached != null) {
      return cached;
    }
    Schema writer;
    try {
      writer = registry().getById(id);
    } catch (SchemaNotFoundException e) {
      throw new RecordDecodingException(
          topic,
          "unknown schema id " + id + " (the registry has no such schema: " + e.getMessage() + ")",
          e);
    }
    Object reader = newReader(id, writer);
    Object previous = readers.putIfAbsent(id, reader);
    return previous != null ? previous : reader;
  }

  private Object newReader(int id, Schema writer) {
    Schema reader = readerSchema;
    GenericData readerModel = model;
    if (reader == null) { // no type given: the generated class the writer schema names
      Class<?> c = SpecificData.get().getClass(writer);
      if (c == null || !IndexedRecord.class.isAssignableFrom(c)) {
        return "schema id "
            + id
            + " names "
            + writer.getFullName()
            + ", which has no generated class on the classpath";
      }
      reader = SpecificData.get().getSchema(c);
      readerModel = SpecificData.getForClass(c);
    }
    SchemaCompatibility.SchemaPairCompatibility compatibility =
        SchemaCompatibility.checkReaderWriterCompatibility(reader, writer);
    if (compatibility.getType() != SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      List<String> details = new ArrayList<>();
      compatibility
          .getResult()
          .getIncompatibilities()
          .forEach(
              i -> details.add(i.getType() + " at " + i.getLocation() + ": " + i.getMessage()));
      return "schema id "
          + id
          + " ("
          + writer.getFullName()
          + ") cannot be read as "
          + reader.getFullName()
          + ": "
          + details;
    }
    return new Reader(
        readerModel.createDatumReader(writer, reader),
        "schema id " + id + " (" + writer.getFullName() + ")");
  }

  // ---- serde -------------------------------------------------------------------------------

  @Override
  public Serializer<T> serializer() {
    return this;
  }

  @Override
  public Deserializer<T> deserializer() {
    return this;
  }

  @Override
  public void close() {}

  private static String describe(Throwable e) {
    String m = e.getMessage();
    return e.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
  }

  @Override
  public String toString() {
    return "AvroSerde["
        + (type != null
            ? type.getName()
            : readerSchema != null ? readerSchema.getFullName() : "by writer")
        + "]";
  }
}
