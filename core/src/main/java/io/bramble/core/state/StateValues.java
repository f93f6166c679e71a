package io.bramble.core.state;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The value types a {@link State} may hold: null, Boolean, Long, Double, String, byte[], List and
 * Map&lt;String,?&gt; of those. Restricting state to JSON-like data is what lets any state cross
 * Kafka (Avro) and a database (JSON) unchanged.
 */
public final class StateValues {
  private StateValues() {}

  /**
   * Returns an immutable, normalized copy of {@code value} (Integer/Short/Byte widen to Long, Float
   * to Double, collections are copied deeply), or throws naming {@code key} when a type is not
   * allowed.
   */
  public static Object normalize(String key, Object value) {
    if (value instanceof DeferredValue) {
      return value; // a runtime's: kept as it is, loaded when read
    }
    if (value == null
        || value instanceof Boolean
        || value instanceof Long
        || value instanceof Double
        || value instanceof String) {
      return value;
    }
    if (value instanceof Integer || value instanceof Short || value instanceof Byte) {
      return ((Number) value).longValue();
    }
    if (value instanceof Float) {
      return ((Float) value).doubleValue();
    }
    if (value instanceof BigInteger && ((BigInteger) value).bitLength() < 64) {
      return ((BigInteger) value).longValue();
    }
    if (value instanceof byte[]) {
      return ((byte[]) value).clone();
    }
    if (value instanceof List) {
      List<?> list = (List<?>) value;
      List<Object> copy = new ArrayList<>(list.size());
      for (int i = 0; i < list.size(); i++) {
        copy.add(normalize(key + "[" + i + "]", list.get(i)));
      }
      return Collections.unmodifiableList(copy);
    }
    if (value instanceof Map) {
      Map<?, ?> map = (Map<?, ?>) value;
      Map<String, Object> copy = new LinkedHashMap<>(Math.max(4, map.size() * 2));
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw new StateException(
              "state key '"
                  + key
                  + "': map keys must be strings, found "
                  + (e.getKey() == null ? "null" : e.getKey().getClass().getName()));
        }
        String k = (String) e.getKey();
        copy.put(k, normalize(key + "." + k, e.getValue()));
      }
      return Collections.unmodifiableMap(copy);
    }
    throw new StateException(
        "state key '"
            + key
            + "': value of type "
            + value.getClass().getName()
            + " is not allowed (allowed: null, Boolean, Long, Double, String, byte[], List, Map<String,?>)");
  }

  /** Deep equality that compares byte arrays by content. */
  public static boolean deepEquals(Object a, Object b) {
    if (a == b) {
      return true;
    }
    if (a instanceof DeferredValue da && b instanceof DeferredValue db) {
      return da.digest().equals(db.digest()) || deepEquals(da.value(), db.value());
    }
    if (a instanceof DeferredValue d) {
      return deepEquals(d.value(), b);
    }
    if (b instanceof DeferredValue d) {
      return deepEquals(a, d.value());
    }
    if (a == null || b == null) {
      return false;
    }
    if (a instanceof byte[] && b instanceof byte[]) {
      return Arrays.equals((byte[]) a, (byte[]) b);
    }
    if (a instanceof List && b instanceof List) {
      List<?> la = (List<?>) a;
      List<?> lb = (List<?>) b;
      if (la.size() != lb.size()) {
        return false;
      }
      Iterator<?> ia = la.iterator();
      Iterator<?> ib = lb.iterator();
      while (ia.hasNext()) {
        if (!deepEquals(ia.next(), ib.next())) {
          return false;
        }
      }
      return true;
    }
    if (a instanceof Map && b instanceof Map) {
      Map<?, ?> ma = (Map<?, ?>) a;
      Map<?, ?> mb = (Map<?, ?>) b;
      if (ma.size() != mb.size()) {
        return false;
      }
      for (Map.Entry<?, ?> e : ma.entrySet()) {
        if (!mb.containsKey(e.getKey()) || !deepEquals(e.getValue(), mb.get(e.getKey()))) {
          return false;
        }
      }
      return true;
    }
    return a.equals(b);
  }

  /** Hash code consistent with {@link #deepEquals}. */
  public static int deepHashCode(Object v) {
    if (v instanceof DeferredValue d) {
      return deepHashCode(d.value());
    }
    if (v == null) {
      return 0;
    }
    if (v instanceof byte[]) {
      return Arrays.hashCode((byte[]) v);
    }
    if (v instanceof List) {
      int h = 1;
      for (Object o : (List<?>) v) {
        h = 31 * h + deepHashCode(o);
      }
      return h;
    }
    if (v instanceof Map) {
      int h = 0;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        h += e.getKey().hashCode() ^ deepHashCode(e.getValue());
      }
      return h;
    }
    return v.hashCode();
  }

  /** A JSON-like rendering; bytes are shown as base64 with a marker. */
  public static void render(Object v, StringBuilder out) {
    if (v == null) {
      out.append("null");
    } else if (v instanceof String) {
      out.append('"')
          .append(((String) v).replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n"))
          .append('"');
    } else if (v instanceof byte[]) {
      out.append("b64\"").append(Base64.getEncoder().encodeToString((byte[]) v)).append('"');
    } else if (v instanceof List) {
      out.append('[');
      boolean first = true;
      for (Object o : (List<?>) v) {
        if (!first) {
          out.append(", ");
        }
        first = false;
        render(o, out);
      }
      out.append(']');
    } else if (v instanceof Map) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!first) {
          out.append(", ");
        }
        first = false;
        out.append(e.getKey()).append('=');
        render(e.getValue(), out);
      }
      out.append('}');
    } else {
      out.append(v);
    }
  }
}
