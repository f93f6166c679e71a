package io.bramble.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.apache.avro.JsonProperties;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class SchemaContractTest {

  @Test
  void everyFieldOfEveryMessageHasADocAndEveryNullableFieldDefaultsToNull() {
    Set<String> seen = new HashSet<>();
    BrambleSchemas.VALUE_TYPES.values().forEach(type -> check(BrambleSchemas.schemaOf(type), seen));
    assertThat(seen)
        .contains(
            "io.bramble.schemas.avro.Value",
            "io.bramble.schemas.avro.ParentRef",
            "io.bramble.schemas.avro.ErrorInfo",
            "io.bramble.schemas.avro.Task");
  }

  private static void check(Schema schema, Set<String> seen) {
    switch (schema.getType()) {
      case RECORD:
        if (!seen.add(schema.getFullName())) {
          return;
        }
        assertThat(schema.getNamespace()).isEqualTo("io.bramble.schemas.avro");
        for (Schema.Field f : schema.getFields()) {
          assertThat(f.doc()).as("doc of %s.%s", schema.getName(), f.name()).isNotBlank();
          if (f.schema().isNullable()) {
            assertThat(f.hasDefaultValue())
                .as("default of nullable %s.%s", schema.getName(), f.name())
                .isTrue();
            assertThat(f.defaultVal())
                .as("default of %s.%s", schema.getName(), f.name())
                .isEqualTo(JsonProperties.NULL_VALUE);
          }
          check(f.schema(), seen);
        }
        break;
      case UNION:
        schema.getTypes().forEach(t -> check(t, seen));
        break;
      case ARRAY:
        check(schema.getElementType(), seen);
        break;
      default:
        break;
    }
  }

  @Test
  void everyTopicCarriesItsDesignedMessage() {
    assertThat(BrambleSchemas.VALUE_TYPES)
        .containsOnlyKeys(
            "jobs",
            "tasks",
            "fanouts",
            "results",
            "checkpoints",
            "job-results",
            "events",
            "streams",
            "joined",
            "cancellations",
            "migrations");
  }
}
