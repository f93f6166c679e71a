package io.bramble.embedded;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.Incompatibility;
import org.apache.avro.SchemaCompatibility.SchemaPairCompatibility;

/**
 * Confluent's compatibility levels, checked with Avro's {@link SchemaCompatibility}.
 *
 * <p>BACKWARD: the new schema reads data written with the old one. FORWARD: the old schema reads
 * data written with the new one. FULL: both. The {@code _TRANSITIVE} variants check every earlier
 * version, the others only the latest.
 */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  private final boolean backward;
  private final boolean forward;
  private final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** Parses a level name (case-insensitive); null when it names no level. */
  public static CompatibilityLevel parse(String name) {
    if (name == null) {
      return null;
    }
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  public boolean transitive() {
    return transitive;
  }

  /**
   * Why {@code candidate} may not follow {@code earlier} (oldest first); empty when it may.
   * Non-transitive levels look at the last of {@code earlier} only.
   */
  public List<String> check(Schema candidate, List<Schema> earlier) {
    if (this == NONE || earlier.isEmpty()) {
      return List.of();
    }
    List<Schema> against = transitive ? earlier : List.of(earlier.get(earlier.size() - 1));
    List<String> messages = new ArrayList<>();
    for (Schema old : against) {
      if (backward) {
        describe(
            SchemaCompatibility.checkReaderWriterCompatibility(candidate, old),
            "the new schema cannot read data written with an earlier schema",
            messages);
      }
      if (forward) {
        describe(
            SchemaCompatibility.checkReaderWriterCompatibility(old, candidate),
            "an earlier schema cannot read data written with the new schema",
            messages);
      }
    }
    return messages;
  }

  private static void describe(
      SchemaPairCompatibility result, String direction, List<String> messages) {
    if (result.getType() == SchemaCompatibility.SchemaCompatibilityType.COMPATIBLE) {
      return;
    }
    for (Incompatibility incompatibility : result.getResult().getIncompatibilities()) {
      messages.add(
          "{errorType:'"
              + incompatibility.getType()
              + "', description:'"
              + direction
              + ": "
              + incompatibility.getMessage()
              + "', location:'"
              + incompatibility.getLocation()
              + "'}");
    }
  }
}
