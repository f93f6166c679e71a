package io.bramble.schemas.registry;

import java.util.List;
import org.apache.avro.Schema;

/**
 * The part of the Confluent Schema Registry API that Bramble uses. {@link SchemaRegistryClient}
 * implements it over HTTP (Confluent Schema Registry, Apicurio's {@code /apis/ccompat/v7},
 * Karapace); {@link InMemorySchemaRegistry} implements it in memory for tests.
 *
 * <p>Subjects follow the topic-name strategy: the values of topic {@code bramble.jobs} are
 * registered under {@code bramble.jobs-value}. Compatibility levels are the registry's strings:
 * {@code NONE}, {@code BACKWARD}, {@code BACKWARD_TRANSITIVE}, {@code FORWARD}, {@code
 * FORWARD_TRANSITIVE}, {@code FULL}, {@code FULL_TRANSITIVE}.
 *
 * <p>Every method throws a {@link SchemaRegistryException} (or one of its subclasses) on failure.
 */
public interface SchemaRegistry {

  /**
   * Registers {@code schema} under {@code subject} and returns its global id. Idempotent:
   * registering a schema the subject already has returns the existing id.
   *
   * @throws IncompatibleSchemaException when the subject's compatibility level refuses the schema
   *     (HTTP 409)
   * @throws InvalidSchemaException when the registry refuses the schema as invalid (HTTP 422)
   */
  int register(String subject, Schema schema);

  /**
   * The schema with global id {@code id}.
   *
   * @throws SchemaNotFoundException when no schema has that id (HTTP 404)
   */
  Schema getById(int id);

  /**
   * The latest version registered under {@code subject}.
   *
   * @throws SchemaNotFoundException when the subject does not exist (HTTP 404)
   */
  SchemaVersion latest(String subject);

  /**
   * The version numbers registered under {@code subject}, ascending.
   *
   * @throws SchemaNotFoundException when the subject does not exist (HTTP 404)
   */
  List<Integer> versions(String subject);

  /**
   * Whether {@code schema} could be registered under {@code subject} now, under the subject's
   * compatibility level. A subject that does not exist yet accepts any valid schema.
   */
  boolean isCompatible(String subject, Schema schema);

  /**
   * The subject's compatibility level, or the global level when the subject has none of its own.
   */
  String getCompatibility(String subject);

  /** Sets the subject's own compatibility level. */
  void setCompatibility(String subject, String level);

  /** The registry-wide default compatibility level. */
  String getGlobalCompatibility();

  /** Sets the registry-wide default compatibility level. */
  void setGlobalCompatibility(String level);
}
