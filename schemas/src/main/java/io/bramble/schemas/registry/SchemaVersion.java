package io.bramble.schemas.registry;

import org.apache.avro.Schema;

/**
 * One registered version of a subject.
 *
 * @param subject the subject, e.g. {@code bramble.tasks-value}
 * @param version the version number within the subject (1, 2, ...)
 * @param id the schema's global id (what the wire format carries)
 * @param schema the schema
 */
public record SchemaVersion(String subject, int version, int id, Schema schema) {}
