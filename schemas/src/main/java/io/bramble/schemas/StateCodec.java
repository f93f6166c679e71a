package io.bramble.schemas;

import io.bramble.core.state.DeferredValue;
import io.bramble.core.state.State;
import io.bramble.core.state.StateInternals;
import io.bramble.schemas.avro.Entry;
import io.bramble.schemas.avro.MapValue;
import io.bramble.schemas.avro.StateData;
import io.bramble.schemas.avro.StoredRef;
import io.bramble.schemas.avro.Value;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Converts {@link State}s and their JSON-like values to and from the Avro types {@link StateData}
 * and {@link Value}, losslessly: key order, byte arrays, Unicode, {@code Long.MIN_VALUE}/{@code
 * MAX_VALUE}, every double (NaN, ±Infinity, -0.0), nulls and deep nesting all survive a round trip.
 *
 * <table>
 *   <caption>Java value ↔ {@code Value.value} union branch</caption>
 *   <tr><td>null</td><td>null</td></tr>
 *   <tr><td>Boolean</td><td>boolean</td></tr>
 *   <tr><td>Long (Integer, Short, Byte, small BigInteger widen)</td><td>long</td></tr>
 *   <tr><td>Double (Float widens)</td><td>double</td></tr>
 *   <tr><td>String</td><td>string</td></tr>
 *   <tr><td>byte[]</td><td>bytes</td></tr>
 *   <tr><td>List</td><td>array&lt;Value&gt;</td></tr>
 *   <tr><td>Map&lt;String,?&gt;</td><td>MapValue (entry list, in the map's order)</td></tr>
 * </table>
 *
 * <p>Values may nest lists and maps up to {@value #MAX_DEPTH} levels deep: Avro's reader and writer
 * recurse per level, and about 290 levels exhaust a default 1 MiB thread stack, so deeper values
 * are refused here with a clear error rather than failing later inside a Kafka client thread.
 *
 * <p>Decoded lists and maps are unmodifiable; maps are {@link LinkedHashMap}s in entry order (a
 * repeated key keeps its first position and its last value).
 */
public final class StateCodec {
  private StateCodec() {}

  /** How deeply lists and maps may nest inside one state value (a top-level scalar is depth 0). */
  public static final int MAX_DEPTH = 100;

  /** Every entry of {@code state}, internal ({@code __}) keys included, in order. */
  public static StateData toAvro(State state) {
    return fromMap(StateInternals.raw(state));
  }

  /**
   * The state {@code data} holds, internal keys included (via {@link State#restore}); null gives an
   * empty state.
   */
  public static State toState(StateData data) {
    return toState(data, ValueFetcher.NONE);
  }

  /**
   * The state {@code data} holds; a value kept in a value store stays there until a step reads its
   * key, then {@code fetcher} reads it.
   */
  public static State toState(StateData data, ValueFetcher fetcher) {
    return data == null ? State.empty() : StateInternals.restore(toMap(data.getEntries(), fetcher));
  }

  /** A map of allowed values (a state's or an inputs map) as an ordered entry list. */
  public static StateData fromMap(Map<String, ?> map) {
    return new StateData(entries(map, "", 0));
  }

  /** The map {@code data} holds, in entry order; unmodifiable. Null gives an empty map. */
  public static Map<String, Object> toMap(StateData data) {
    return data == null ? Map.of() : toMap(data.getEntries(), ValueFetcher.NONE);
  }

  /**
   * {@code value} as an Avro {@link Value}.
   *
   * @throws IllegalArgumentException for a type State does not allow, naming where it was found
   */
  public static Value toValue(Object value) {
    return toValue(value, "value", 0);
  }

  /**
   * The Java value {@code value} holds (see the class comment for the types). A null Value is null.
   */
  public static Object toObject(Value value) {
    return toObject(value, ValueFetcher.NONE);
  }

  private static Object toObject(Value value, ValueFetcher fetcher) {
    return value == null ? null : fromUnion(value.getValue(), fetcher);
  }

  /** {@code value} as bytes for a value store: the Avro binary encoding of its {@link Value}. */
  public static byte[] encodeValue(Object value) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
      VALUE_WRITER.write(toValue(value), encoder);
      encoder.flush();
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The value {@link #encodeValue} encoded. */
  public static Object decodeValue(byte[] bytes) {
    try {
      return toObject(VALUE_READER.read(null, DecoderFactory.get().binaryDecoder(bytes, null)));
    } catch (IOException e) {
      throw new UncheckedIOException("a stored value does not decode: " + e.getMessage(), e);
    }
  }

  private static final SpecificDatumWriter<Value> VALUE_WRITER =
      new SpecificDatumWriter<>(Value.class);
  private static final SpecificDatumReader<Value> VALUE_READER =
      new SpecificDatumReader<>(Value.class);

  // ---- encoding ----------------------------------------------------------------------------

  private static List<Entry> entries(Map<?, ?> map, String path, int depth) {
    List<Entry> entries = new ArrayList<>(map.size());
    for (Map.Entry<?, ?> e : map.entrySet()) {
      if (!(e.getKey() instanceof String)) {
        throw new IllegalArgumentException(
            "map keys must be strings; found "
                + (e.getKey() == null ? "null" : e.getKey().getClass().getName())
                + " at "
                + (path.isEmpty() ? "top level" : path));
      }
      String key = (String) e.getKey();
      entries.add(
          new Entry(key, toValue(e.getValue(), path.isEmpty() ? key : path + "." + key, depth)));
    }
    return entries;
  }

  private static Value toValue(Object v, String path, int depth) {
    return new Value(toUnion(v, path, depth));
  }

  private static Object toUnion(Object v, String path, int depth) {
    if (v instanceof StoredValue stored) {
      return stored.ref();
    }
    if (v instanceof DeferredValue deferred) {
      v = deferred.value();
    }
    if (v == null
        || v instanceof Boolean
        || v instanceof Long
        || v instanceof Double
        || v instanceof String) {
      return v;
    }
    if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Float) {
      return ((Float) v).doubleValue();
    }
    if (v instanceof BigInteger && ((BigInteger) v).bitLength() < 64) {
      return ((BigInteger) v).longValue();
    }
    if (v instanceof byte[]) {
      return ByteBuffer.wrap(((byte[]) v).clone());
    }
    if (v instanceof ByteBuffer) {
      ByteBuffer copy = ByteBuffer.allocate(((ByteBuffer) v).remaining());
      copy.put(((ByteBuffer) v).duplicate()).flip();
      return copy;
    }
    if (v instanceof CharSequence) {
      return v.toString();
    }
    if ((v instanceof List || v instanceof Map) && depth >= MAX_DEPTH) {
      throw new IllegalArgumentException(
          "value at "
              + path
              + " nests lists/maps deeper than "
              + MAX_DEPTH
              + " levels, the most a state value may");
    }
    if (v instanceof List) {
      List<?> list = (List<?>) v;
      List<Value> items = new ArrayList<>(list.size());
      int i = 0;
      for (Object item : list) {
        items.add(toValue(item, path + "[" + i++ + "]", depth + 1));
      }
      return items;
    }
    if (v instanceof Map) {
      return new MapValue(entries((Map<?, ?>) v, path, depth + 1));
    }
    throw new IllegalArgumentException(
        "value of type "
            + v.getClass().getName()
            + " at "
            + path
            + " is not allowed in a state (allowed: null, Boolean, Long, Double, String, byte[], List, Map<String,?>)");
  }

  // ---- decoding ----------------------------------------------------------------------------

  /** A state's entries: a stored value stays a reference until a step reads its key. */
  private static Map<String, Object> toMap(List<Entry> entries, ValueFetcher fetcher) {
    Map<String, Object> map = new LinkedHashMap<>(Math.max(4, entries.size() * 2));
    for (Entry e : entries) {
      Object u = e.getValue() == null ? null : e.getValue().getValue();
      map.put(
          e.getKey(),
          u instanceof StoredRef ref
              ? new StoredValue(ref, fetcher)
              : toObject(e.getValue(), fetcher));
    }
    return Collections.unmodifiableMap(map);
  }

  /** A map value's entries, inside a state value: everything read now. */
  private static Map<String, Object> toNestedMap(List<Entry> entries, ValueFetcher fetcher) {
    Map<String, Object> map = new LinkedHashMap<>(Math.max(4, entries.size() * 2));
    for (Entry e : entries) {
      map.put(e.getKey(), toObject(e.getValue(), fetcher));
    }
    return Collections.unmodifiableMap(map);
  }

  private static Object fromUnion(Object u, ValueFetcher fetcher) {
    if (u instanceof StoredRef ref) {
      return new StoredValue(ref, fetcher).value(); // only whole values are stored: read now
    }
    if (u == null
        || u instanceof Boolean
        || u instanceof Long
        || u instanceof Double
        || u instanceof String) {
      return u;
    }
    if (u instanceof CharSequence) { // Utf8, when read generically
      return u.toString();
    }
    if (u instanceof ByteBuffer) {
      ByteBuffer b = ((ByteBuffer) u).duplicate();
      byte[] bytes = new byte[b.remaining()];
      b.get(bytes);
      return bytes;
    }
    if (u instanceof List) {
      List<?> items = (List<?>) u;
      List<Object> list = new ArrayList<>(items.size());
      for (Object item : items) {
        list.add(toObject((Value) item, fetcher));
      }
      return Collections.unmodifiableList(list);
    }
    if (u instanceof MapValue) {
      return toNestedMap(((MapValue) u).getEntries(), fetcher);
    }
    throw new IllegalArgumentException(
        "unexpected Avro value of type " + u.getClass().getName() + " in a Value");
  }
}
