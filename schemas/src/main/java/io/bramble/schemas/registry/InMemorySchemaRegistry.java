package io.bramble.schemas.registry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * A schema registry held in memory, with the Confluent registry's rules: one global id per distinct
 * schema (shared across subjects), versions per subject, registration idempotent, and compatibility
 * enforced on registration ({@code BACKWARD} by default; {@link IncompatibleSchemaException} like
 * an HTTP 409). For unit tests (of this and other modules) and single-process runs; nothing
 * survives the JVM. Thread-safe.
 *
 * <pre>{@code
 * SchemaRegistry registry = new InMemorySchemaRegistry();
 * AvroSerde<Task> serde = BrambleSerdes.forType(Task.class, registry);
 * }</pre>
 */
public final class InMemorySchemaRegistry implements SchemaRegistry {

  /** The levels a registry accepts. */
  public static final Set<String> LEVELS =
      Set.of(
          "NONE",
          "BACKWARD",
          "BACKWARD_TRANSITIVE",
          "FORWARD",
          "FORWARD_TRANSITIVE",
          "FULL",
          "FULL_TRANSITIVE");

  private final Map<String, Integer> idsBySchemaText = new HashMap<>();
  private final Map<Integer, Schema> schemasById = new HashMap<>();

  /** subject → schema ids, index i holding version i + 1. */
  private final Map<String, List<Integer>> subjects = new LinkedHashMap<>();

  private final Map<String, String> subjectLevels = new HashMap<>();
  private String globalLevel = "BACKWARD";

  @Override
  public synchronized int register(String subject, Schema schema) {
    String text = schema.toString();
    Integer existing = idsBySchemaText.get(text);
    List<Integer> versions = subjects.get(subject);
    if (existing != null && versions != null && versions.contains(existing)) {
      return existing;
    }
    String incompatibility = incompatibility(subject, schema);
    if (incompatibility != null) {
      throw new IncompatibleSchemaException(
          subject,
          "Schema being registered is incompatible with an earlier"
              + " schema for subject \""
              + subject
              + "\" ("
              + getCompatibility(subject)
              + "): "
              + incompatibility,
          409);
    }
    int id = existing != null ? existing : schemasById.size() + 1;
    if (existing == null) {
      idsBySchemaText.put(text, id);
      schemasById.put(id, schema);
    }
    subjects.computeIfAbsent(subject, s -> new ArrayList<>()).add(id);
    return id;
  }

  @Override
  public synchronized Schema getById(int id) {
    Schema schema = schemasById.get(id);
    if (schema == null) {
      throw new SchemaNotFoundException(
          "Schema " + id + " not found", SchemaNotFoundException.SCHEMA_NOT_FOUND);
    }
    return schema;
  }

  @Override
  public synchronized SchemaVersion latest(String subject) {
    List<Integer> ids = idsOf(subject);
    int id = ids.get(ids.size() - 1);
    return new SchemaVersion(subject, ids.size(), id, schemasById.get(id));
  }

  @Override
  public synchronized List<Integer> versions(String subject) {
    List<Integer> ids = idsOf(subject);
    List<Integer> versions = new ArrayList<>(ids.size());
    for (int v = 1; v <= ids.size(); v++) {
      versions.add(v);
    }
    return versions;
  }

  @Override
  public synchronized boolean isCompatible(String subject, Schema schema) {
    return incompatibility(subject, schema) == null;
  }

  @Override
  public synchronized String getCompatibility(String subject) {
    return subjectLevels.getOrDefault(subject, globalLevel);
  }

  @Override
  public synchronized void setCompatibility(String subject, String level) {
    subjectLevels.put(subject, checkLevel(level));
  }

  @Override
  public synchronized String getGlobalCompatibility() {
    return globalLevel;
  }

  @Override
  public synchronized void setGlobalCompatibility(String level) {
    globalLevel = checkLevel(level);
  }

  private List<Integer> idsOf(String subject) {
    List<Integer> ids = subjects.get(subject);
    if (ids == null) {
      throw new SchemaNotFoundException(
          "Subject '" + subject + "' not found.", SchemaNotFoundException.SUBJECT_NOT_FOUND);
    }
    return ids;
  }

  /** Why {@code schema} may not join {@code subject}, or null if it may. */
  private String incompatibility(String subject, Schema schema) {
    List<Integer> ids = subjects.get(subject);
    if (ids == null || ids.isEmpty()) {
      return null;
    }
    String level = getCompatibility(subject);
    if (level.equals("NONE")) {
      return null;
    }
    List<Integer> against = level.endsWith("_TRANSITIVE") ? ids : List.of(ids.get(ids.size() - 1));
    boolean backward = level.startsWith("BACKWARD") || level.startsWith("FULL");
    boolean forward = level.startsWith("FORWARD") || level.startsWith("FULL");
    for (int id : against) {
      Schema old = schemasById.get(id);
      if (backward) {
        String problem =
            problem(
                SchemaCompatibility.checkReaderWriterCompatibility(schema, old),
                "the new schema cannot read data written with version " + (ids.indexOf(id) + 1));
        if (problem != null) {
          return problem;
        }
      }
      if (forward) {
        String problem =
            problem(
                SchemaCompatibility.checkReaderWriterCompatibility(old, schema),
                "version "
                    + (ids.indexOf(id) + 1)
                    + " cannot read data written with the new schema");
        if (problem != null) {
          return problem;
        }
      }
    }
    return null;
  }

  private static String problem(SchemaPairCompatibility result, String what) {
    if (result.getType() == SchemaCompatibilityType.COMPATIBLE) {
      return null;
    }
    List<String> details = new ArrayList<>();
    result
        .getResult()
        .getIncompatibilities()
        .forEach(i -> details.add(i.getType() + " at " + i.getLocation() + ": " + i.getMessage()));
    return what + " " + details;
  }

  private static String checkLevel(String level) {
    if (level == null || !LEVELS.contains(level)) {
      throw new InvalidSchemaException(
          "Invalid compatibility level '" + level + "'; valid levels are " + LEVELS,
          InvalidSchemaException.INVALID_COMPATIBILITY_LEVEL);
    }
    return level;
  }
}
