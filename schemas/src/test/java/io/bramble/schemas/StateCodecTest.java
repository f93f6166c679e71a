package io.bramble.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.state.State;
import io.bramble.core.state.StateInternals;
import io.bramble.core.state.StateValues;
import io.bramble.schemas.avro.StateData;
import io.bramble.schemas.avro.Value;
import io.bramble.schemas.registry.InMemorySchemaRegistry;
import io.bramble.schemas.serde.AvroSerde;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class StateCodecTest {

  private final AvroSerde<StateData> wire =
      new AvroSerde<>(StateData.class, new InMemorySchemaRegistry());

  /** Through the codec and through Avro binary (the Kafka path). */
  private State roundTrip(State state) {
    StateData data = StateCodec.toAvro(state);
    byte[] bytes = wire.serialize("bramble.test", data);
    return StateCodec.toState(wire.deserialize("bramble.test", bytes));
  }

  private Object roundTripValue(Object value) {
    AvroSerde<Value> values = new AvroSerde<>(Value.class, wire.registry());
    byte[] bytes = values.serialize("bramble.values", StateCodec.toValue(value));
    return StateCodec.toObject(values.deserialize("bramble.values", bytes));
  }

  @Test
  void randomNestedStatesSurviveTheRoundTripWithKeyOrderKept() {
    Random random = new Random(20241124L);
    for (int i = 0; i < 500; i++) {
      Map<String, Object> values = randomMap(random, 0);
      State state = StateInternals.restore(values);
      State back = roundTrip(state);
      assertThat(back).as("case %d: %s", i, state).isEqualTo(state);
      assertThat(new ArrayList<>(back.keys())).isEqualTo(new ArrayList<>(state.keys()));
      assertSameOrder(state.asMap(), back.asMap());
    }
  }

  @Test
  void everyEdgeValueSurvivesExactly() {
    List<Object> edges =
        Arrays.asList(
            null,
            true,
            false,
            0L,
            -1L,
            Long.MIN_VALUE,
            Long.MAX_VALUE,
            0.0,
            -0.0,
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE,
            Double.MAX_VALUE,
            Double.longBitsToDouble(0x7ff8000000000123L),
            "",
            "héllo wörld ✓ 日本語 🎉 \u0000 \uFFFF",
            new byte[0],
            new byte[] {0, -1, 127, -128},
            List.of(),
            Map.of(),
            "x".repeat(100_000));
    for (Object edge : edges) {
      Object back = roundTripValue(edge);
      assertThat(StateValues.deepEquals(back, edge))
          .as("round trip of %s gave %s", edge, back)
          .isTrue();
      if (edge instanceof Double) {
        assertThat(Double.doubleToRawLongBits((Double) back))
            .as("bits of %s", edge)
            .isEqualTo(Double.doubleToRawLongBits((Double) edge));
      }
    }
  }

  @Test
  void internalKeysAndNullValuesAreKept() {
    State state = StateInternals.withStep(State.of("a", null, "b", 1L), 7L, "write");
    State back = roundTrip(state);
    assertThat(back).isEqualTo(state);
    assertThat(back.has("a")).isTrue();
    assertThat(back.get(State.SEQUENCE_ID)).isEqualTo(7L);
    assertThat(back.get(State.PRIOR_STEP)).isEqualTo("write");
  }

  @Test
  void valuesNestedAHundredLevelsDeepSurvive() {
    Object value = nested(StateCodec.MAX_DEPTH);
    assertThat(StateValues.deepEquals(roundTripValue(value), StateValues.normalize("v", value)))
        .isTrue();
    State state = State.of("deep", value);
    assertThat(roundTrip(state)).isEqualTo(state);
  }

  @Test
  void valuesNestedDeeperThanTheLimitAreRefusedWithAClearMessage() {
    assertThatThrownBy(() -> StateCodec.fromMap(Map.of("deep", nested(StateCodec.MAX_DEPTH + 1))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("value at deep")
        .hasMessageContaining("deeper than 100 levels");
  }

  /** A value with {@code levels} lists and maps nested alternately around a string. */
  private static Object nested(int levels) {
    Object value = "leaf";
    for (int depth = 0; depth < levels; depth++) {
      value = depth % 2 == 0 ? List.of(value, (long) depth) : Map.of("level" + depth, value);
    }
    return value;
  }

  @Test
  void mapKeyOrderIsKeptInsideNestedMaps() {
    Map<String, Object> inner = new LinkedHashMap<>();
    for (String k : List.of("zebra", "apple", "mango", "banana")) {
      inner.put(k, k.length());
    }
    State back = roundTrip(State.of("inner", inner));
    assertThat(back.getMap("inner").keySet()).containsExactly("zebra", "apple", "mango", "banana");
  }

  @Test
  void narrowNumbersWidenAsStateDoes() {
    assertThat(StateCodec.toObject(StateCodec.toValue(42))).isEqualTo(42L);
    assertThat(StateCodec.toObject(StateCodec.toValue((short) 3))).isEqualTo(3L);
    assertThat(StateCodec.toObject(StateCodec.toValue(1.5f))).isEqualTo(1.5d);
  }

  @Test
  void bytesAreCopiedNotShared() {
    byte[] original = {1, 2, 3};
    Value value = StateCodec.toValue(original);
    original[0] = 9;
    assertThat((byte[]) StateCodec.toObject(value)).containsExactly(1, 2, 3);
  }

  @Test
  void inputsMapsRoundTripThroughFromMapAndToMap() {
    Map<String, Object> inputs = new LinkedHashMap<>();
    inputs.put("prompt", "write a poem");
    inputs.put("max_drafts", 3L);
    inputs.put("topics", List.of("sea", "sky"));
    assertThat(StateCodec.toMap(StateCodec.fromMap(inputs))).containsExactlyEntriesOf(inputs);
  }

  @Test
  void nullStateDataIsAnEmptyState() {
    assertThat(StateCodec.toState(null)).isEqualTo(State.empty());
    assertThat(StateCodec.toMap(null)).isEmpty();
  }

  @Test
  void aTypeStateDoesNotAllowIsRefusedNamingWhereItWas() {
    assertThatThrownBy(() -> StateCodec.fromMap(Map.of("outer", Map.of("inner", new Object()))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outer.inner")
        .hasMessageContaining("java.lang.Object");
  }

  // ---- generator ---------------------------------------------------------------------------

  private static Map<String, Object> randomMap(Random r, int depth) {
    Map<String, Object> m = new LinkedHashMap<>();
    int n = r.nextInt(depth == 0 ? 8 : 5);
    for (int i = 0; i < n; i++) {
      m.put(randomString(r), randomValue(r, depth + 1));
    }
    return m;
  }

  private static Object randomValue(Random r, int depth) {
    int kind = r.nextInt(depth > 5 ? 6 : 8);
    switch (kind) {
      case 0:
        return null;
      case 1:
        return r.nextBoolean();
      case 2:
        return r.nextInt(4) == 0
            ? new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1}[r.nextInt(4)]
            : r.nextLong();
      case 3:
        {
          double[] special = {
            Double.NaN,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            -0.0,
            0.0,
            Double.MIN_VALUE
          };
          return r.nextInt(4) == 0
              ? special[r.nextInt(special.length)]
              : Double.longBitsToDouble(r.nextLong());
        }
      case 4:
        return randomString(r);
      case 5:
        {
          byte[] b = new byte[r.nextInt(20)];
          r.nextBytes(b);
          return b;
        }
      case 6:
        {
          List<Object> l = new ArrayList<>();
          int n = r.nextInt(5);
          for (int i = 0; i < n; i++) {
            l.add(randomValue(r, depth + 1));
          }
          return l;
        }
      default:
        return randomMap(r, depth);
    }
  }

  private static String randomString(Random r) {
    StringBuilder sb = new StringBuilder();
    int n = r.nextInt(12);
    for (int i = 0; i < n; i++) {
      switch (r.nextInt(4)) {
        case 0:
          sb.append((char) ('a' + r.nextInt(26)));
          break;
        case 1:
          sb.append((char) (0x80 + r.nextInt(0x700)));
          break;
        case 2:
          sb.appendCodePoint(0x1F300 + r.nextInt(0x200));
          break;
        default:
          sb.append("_. -\"\\\n".charAt(r.nextInt(7)));
      }
    }
    return sb.toString();
  }

  private static void assertSameOrder(Object expected, Object actual) {
    if (expected instanceof Map) {
      assertThat(new ArrayList<>(((Map<?, ?>) actual).keySet()))
          .isEqualTo(new ArrayList<>(((Map<?, ?>) expected).keySet()));
      for (Object k : ((Map<?, ?>) expected).keySet()) {
        assertSameOrder(((Map<?, ?>) expected).get(k), ((Map<?, ?>) actual).get(k));
      }
    } else if (expected instanceof List) {
      for (int i = 0; i < ((List<?>) expected).size(); i++) {
        assertSameOrder(((List<?>) expected).get(i), ((List<?>) actual).get(i));
      }
    }
  }
}
