package io.bramble.embedded;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's state, kept in a compacted Kafka topic (Confluent's {@code _schemas} layout: JSON
 * keys {@code {"keytype":"SCHEMA","subject":…,"version":…}} and {@code
 * {"keytype":"CONFIG","subject":…}}, JSON values).
 *
 * <p>The in-memory maps are only ever changed by reading the topic: a write is produced,
 * acknowledged, and then read back with everything before it. A start reads the topic to its end,
 * so it arrives at the same state, ids included.
 */
final class SchemaStore implements AutoCloseable {

  private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(30);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(SchemaStore.class);

  private final TopicPartition partition;
  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> consumer;

  private final Map<Integer, String> schemaById = new HashMap<>();
  private final Map<Integer, Schema> parsedById = new HashMap<>();
  private final Map<String, Integer> idBySchema = new HashMap<>();
  private final Map<String, TreeMap<Integer, Integer>> versionsBySubject = new TreeMap<>();
  private final Map<String, CompatibilityLevel> subjectLevels = new HashMap<>();
  private CompatibilityLevel globalLevel = CompatibilityLevel.BACKWARD;

  /** One version of a subject. */
  record Version(String subject, int version, int id, String schema) {}

  /**
   * {@code clientProperties} (SASL/SSL settings and the like) go into the registry's admin client,
   * producer and consumer; the settings the store relies on (acks, idempotence, isolation level,
   * bootstrap servers) win over them.
   */
  SchemaStore(
      String bootstrapServers,
      String topic,
      Optional<Short> replicationFactor,
      Map<String, String> clientProperties) {
    this.partition = new TopicPartition(topic, 0);
    createTopic(bootstrapServers, topic, replicationFactor, clientProperties);

    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "bramble-schema-registry-writer");
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer());

    Properties c = new Properties();
    c.putAll(clientProperties);
    c.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "bramble-schema-registry-reader");
    this.consumer = new KafkaConsumer<>(c, new StringDeserializer(), new StringDeserializer());
    try {
      consumer.assign(List.of(partition));
      consumer.seekToBeginning(List.of(partition));
      synchronized (this) {
        catchUp(consumer.endOffsets(List.of(partition), CATCH_UP_TIMEOUT).get(partition));
      }
    } catch (RuntimeException e) {
      close();
      throw e;
    }
  }

  /** One partition, compacted, replicated as the brokers' default unless told otherwise. */
  private static void createTopic(
      String bootstrapServers,
      String topic,
      Optional<Short> replicationFactor,
      Map<String, String> clientProperties) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    try (Admin admin = Admin.create(p)) {
      NewTopic newTopic =
          new NewTopic(topic, Optional.of(1), replicationFactor)
              .configs(
                  Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
      try {
        admin.createTopics(List.of(newTopic)).all().get(30, TimeUnit.SECONDS);
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof TopicExistsException)) {
          throw new IllegalStateException("Cannot create the schema topic " + topic, e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("Interrupted while creating " + topic, e);
      } catch (TimeoutException e) {
        throw new IllegalStateException("Timed out creating the schema topic " + topic, e);
      }
    }
  }

  // ---------------------------------------------------------------- reads

  synchronized String schemaById(int id) {
    String schema = schemaById.get(id);
    if (schema == null) {
      throw RegistryException.schemaIdNotFound(id);
    }
    return schema;
  }

  /** (subject, version) pairs that hold schema {@code id}. */
  synchronized List<Version> versionsOfId(int id) {
    String schema = schemaById(id);
    List<Version> result = new ArrayList<>();
    versionsBySubject.forEach(
        (subject, versions) ->
            versions.forEach(
                (version, versionId) -> {
                  if (versionId == id) {
                    result.add(new Version(subject, version, id, schema));
                  }
                }));
    return result;
  }

  synchronized List<String> subjects() {
    return versionsBySubject.entrySet().stream()
        .filter(e -> !e.getValue().isEmpty())
        .map(Map.Entry::getKey)
        .toList();
  }

  synchronized List<Integer> versions(String subject) {
    return List.copyOf(versionsOf(subject).keySet());
  }

  /** {@code spec} is a version number, {@code latest} or {@code -1}. */
  synchronized Version version(String subject, String spec) {
    TreeMap<Integer, Integer> versions = versionsOf(subject);
    int version = parseVersion(spec, versions);
    Integer id = versions.get(version);
    if (id == null) {
      throw RegistryException.versionNotFound(subject, spec);
    }
    return new Version(subject, version, id, schemaById.get(id));
  }

  /** The version under which {@code subject} holds this schema. */
  synchronized Version lookup(String subject, String schemaText) {
    TreeMap<Integer, Integer> versions = versionsOf(subject);
    String canonical = canonical(schemaText);
    Integer id = idBySchema.get(canonical);
    if (id != null) {
      for (Map.Entry<Integer, Integer> e : versions.entrySet()) {
        if (e.getValue().equals(id)) {
          return new Version(subject, e.getKey(), id, canonical);
        }
      }
    }
    throw RegistryException.schemaNotFound();
  }

  /**
   * Why {@code schemaText} may not follow the given version(s) of {@code subject}; empty if it may.
   */
  synchronized List<String> testCompatibility(
      String subject, String versionSpec, String schemaText) {
    Schema candidate = parse(schemaText);
    TreeMap<Integer, Integer> versions = versionsBySubject.get(subject);
    boolean latest = versionSpec == null || isLatest(versionSpec);
    if (versions == null || versions.isEmpty()) {
      if (latest) {
        return List.of();
      }
      throw RegistryException.subjectNotFound(subject);
    }
    CompatibilityLevel level = level(subject);
    if (versionSpec == null) {
      return level.check(candidate, schemasOf(versions));
    }
    int version = parseVersion(versionSpec, versions);
    Integer id = versions.get(version);
    if (id == null) {
      throw RegistryException.versionNotFound(subject, versionSpec);
    }
    return level.check(candidate, List.of(parsedById.get(id)));
  }

  synchronized CompatibilityLevel globalLevel() {
    return globalLevel;
  }

  /** The subject's own level, or null when it has none. */
  synchronized CompatibilityLevel subjectLevel(String subject) {
    return subjectLevels.get(subject);
  }

  synchronized CompatibilityLevel level(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  // ---------------------------------------------------------------- writes

  /**
   * Registers a schema under a subject and returns its id. The same schema again returns the same
   * id without a new version; a schema already known under another subject keeps its id.
   */
  synchronized int register(String subject, String schemaText) {
    Schema schema = parse(schemaText);
    String canonical = schema.toString();
    TreeMap<Integer, Integer> versions = versionsBySubject.getOrDefault(subject, new TreeMap<>());
    Integer known = idBySchema.get(canonical);
    if (known != null && versions.containsValue(known)) {
      return known;
    }
    List<String> problems = level(subject).check(schema, schemasOf(versions));
    if (!problems.isEmpty()) {
      throw RegistryException.incompatible(subject, problems);
    }
    int id =
        known != null
            ? known
            : schemaById.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
    int version = versions.isEmpty() ? 1 : versions.lastKey() + 1;

    ObjectNode key =
        JSON.createObjectNode()
            .put("keytype", "SCHEMA")
            .put("subject", subject)
            .put("version", version)
            .put("magic", 1);
    ObjectNode value =
        JSON.createObjectNode()
            .put("subject", subject)
            .put("version", version)
            .put("id", id)
            .put("schema", canonical)
            .put("deleted", false);
    write(key, value);
    return id;
  }

  synchronized void setGlobalLevel(CompatibilityLevel level) {
    writeConfig(null, level);
  }

  synchronized void setSubjectLevel(String subject, CompatibilityLevel level) {
    writeConfig(subject, level);
  }

  private void writeConfig(String subject, CompatibilityLevel level) {
    ObjectNode key = JSON.createObjectNode().put("keytype", "CONFIG");
    if (subject == null) {
      key.putNull("subject");
    } else {
      key.put("subject", subject);
    }
    key.put("magic", 0);
    write(key, JSON.createObjectNode().put("compatibilityLevel", level.name()));
  }

  /**
   * Produces, waits for the acknowledgement, then applies the topic up to and including the record.
   */
  private void write(JsonNode key, JsonNode value) {
    RecordMetadata written;
    try {
      written =
          producer
              .send(
                  new ProducerRecord<>(
                      partition.topic(), partition.partition(), key.toString(), value.toString()))
              .get(CATCH_UP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw RegistryException.storeError("interrupted while writing", e);
    } catch (ExecutionException | TimeoutException e) {
      throw RegistryException.storeError("cannot write to " + partition.topic(), e);
    }
    catchUp(written.offset() + 1);
  }

  // ---------------------------------------------------------------- applying the topic

  /** Reads and applies records until the consumer's position reaches {@code endOffset}. */
  private void catchUp(long endOffset) {
    long deadline = System.nanoTime() + CATCH_UP_TIMEOUT.toNanos();
    while (consumer.position(partition) < endOffset) {
      if (System.nanoTime() > deadline) {
        throw RegistryException.storeError("timed out reading " + partition.topic(), null);
      }
      for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(100))) {
        apply(record.key(), record.value());
      }
    }
  }

  private void apply(String keyText, String valueText) {
    try {
      JsonNode key = JSON.readTree(keyText);
      String keyType = key.path("keytype").asText();
      String subject =
          key.path("subject").isNull() || key.path("subject").isMissingNode()
              ? null
              : key.path("subject").asText();
      JsonNode value = valueText == null ? null : JSON.readTree(valueText);
      if ("SCHEMA".equals(keyType)) {
        int version = key.path("version").asInt();
        if (value == null || value.path("deleted").asBoolean(false)) {
          TreeMap<Integer, Integer> versions = versionsBySubject.get(subject);
          if (versions != null) {
            versions.remove(version);
          }
          return;
        }
        int id = value.path("id").asInt();
        String schema = value.path("schema").asText();
        schemaById.put(id, schema);
        idBySchema.putIfAbsent(schema, id);
        parsedById.computeIfAbsent(id, any -> new Schema.Parser().parse(schema));
        versionsBySubject.computeIfAbsent(subject, any -> new TreeMap<>()).put(version, id);
      } else if ("CONFIG".equals(keyType)) {
        CompatibilityLevel level =
            value == null
                ? null
                : CompatibilityLevel.parse(value.path("compatibilityLevel").asText());
        if (subject == null) {
          globalLevel = level != null ? level : CompatibilityLevel.BACKWARD;
        } else if (level == null) {
          subjectLevels.remove(subject);
        } else {
          subjectLevels.put(subject, level);
        }
      }
      // other key types (NOOP, DELETE_SUBJECT, …) carry nothing this registry needs
    } catch (Exception e) {
      // a record this registry cannot read must not stop it from serving the others
      LOG.warn(
          "Skipping an unreadable record in {}: key {}: {}",
          partition.topic(),
          keyText,
          e.toString());
    }
  }

  // ---------------------------------------------------------------- helpers

  private TreeMap<Integer, Integer> versionsOf(String subject) {
    TreeMap<Integer, Integer> versions = versionsBySubject.get(subject);
    if (versions == null || versions.isEmpty()) {
      throw RegistryException.subjectNotFound(subject);
    }
    return versions;
  }

  private List<Schema> schemasOf(TreeMap<Integer, Integer> versions) {
    List<Schema> schemas = new ArrayList<>();
    for (Integer id : versions.values()) {
      schemas.add(parsedById.get(id));
    }
    return schemas;
  }

  private static boolean isLatest(String spec) {
    return "latest".equalsIgnoreCase(spec) || "-1".equals(spec);
  }

  private static int parseVersion(String spec, TreeMap<Integer, Integer> versions) {
    if (isLatest(spec)) {
      return versions.lastKey();
    }
    try {
      int version = Integer.parseInt(spec);
      if (version < 1) {
        throw RegistryException.invalidVersion(spec);
      }
      return version;
    } catch (NumberFormatException e) {
      throw RegistryException.invalidVersion(spec);
    }
  }

  static Schema parse(String schemaText) {
    if (schemaText == null || schemaText.isBlank()) {
      throw RegistryException.invalidSchema("(empty)");
    }
    try {
      return new Schema.Parser().parse(schemaText);
    } catch (RuntimeException e) {
      throw RegistryException.invalidSchema("{" + schemaText + "}, details: " + e.getMessage());
    }
  }

  static String canonical(String schemaText) {
    return parse(schemaText).toString();
  }

  @Override
  public void close() {
    try {
      if (producer != null) {
        producer.close(Duration.ofSeconds(5));
      }
    } finally {
      if (consumer != null) {
        consumer.close(Duration.ofSeconds(5));
      }
    }
  }
}
