package io.bramble.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.junit.jupiter.api.Test;

class InMemorySchemaRegistryTest {

  private final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();

  private static final Schema V1 =
      SchemaBuilder.record("Thing").fields().requiredString("a").endRecord();
  private static final Schema V2_OPTIONAL =
      SchemaBuilder.record("Thing")
          .fields()
          .requiredString("a")
          .name("b")
          .type()
          .intType()
          .intDefault(0)
          .endRecord();
  private static final Schema V2_REQUIRED =
      SchemaBuilder.record("Thing").fields().requiredString("a").requiredInt("b").endRecord();

  @Test
  void registeringIsIdempotentAndIdsAreSharedAcrossSubjects() {
    int id = registry.register("a-value", V1);
    assertThat(registry.register("a-value", V1)).isEqualTo(id);
    assertThat(registry.register("b-value", V1)).isEqualTo(id);
    assertThat(registry.versions("a-value")).containsExactly(1);
    assertThat(registry.getById(id)).isEqualTo(V1);
  }

  @Test
  void backwardIsTheDefaultAndRefusesANewRequiredField() {
    registry.register("t-value", V1);
    assertThat(registry.getCompatibility("t-value")).isEqualTo("BACKWARD");
    assertThatThrownBy(() -> registry.register("t-value", V2_REQUIRED))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("t-value");
    assertThat(registry.register("t-value", V2_OPTIONAL)).isEqualTo(2);
    assertThat(registry.latest("t-value"))
        .isEqualTo(new SchemaVersion("t-value", 2, 2, V2_OPTIONAL));
  }

  @Test
  void aSubjectLevelOverridesTheGlobalLevel() {
    registry.register("t-value", V1);
    registry.setCompatibility("t-value", "NONE");
    assertThat(registry.register("t-value", V2_REQUIRED)).isPositive();
    assertThat(registry.getCompatibility("other-value")).isEqualTo("BACKWARD");
  }

  @Test
  void unknownIdsAndSubjectsAreNotFound() {
    assertThatThrownBy(() -> registry.getById(42))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaNotFoundException.SCHEMA_NOT_FOUND));
    assertThatThrownBy(() -> registry.latest("nope"))
        .isInstanceOfSatisfying(
            SchemaNotFoundException.class,
            e -> assertThat(e.errorCode()).isEqualTo(SchemaNotFoundException.SUBJECT_NOT_FOUND));
    assertThat(registry.isCompatible("nope", V2_REQUIRED)).isTrue();
  }

  @Test
  void anUnknownLevelIsRefused() {
    assertThatThrownBy(() -> registry.setGlobalCompatibility("SOMETIMES"))
        .isInstanceOf(InvalidSchemaException.class);
  }
}
