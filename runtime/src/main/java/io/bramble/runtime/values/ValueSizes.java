package io.bramble.runtime.values;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** Whether a state value is smaller than a size, counted cheaply and no further than needed. */
public final class ValueSizes {
  private ValueSizes() {}

  /**
   * Whether {@code value} encodes to fewer than {@code limit} bytes (about: Avro's framing aside).
   */
  public static boolean below(Object value, long limit) {
    return size(value, limit) < limit;
  }

  /** The size of {@code value}, or any number of at least {@code limit} once it is reached. */
  private static long size(Object value, long limit) {
    if (value == null || value instanceof Boolean) {
      return 1;
    }
    if (value instanceof Number) {
      return 9;
    }
    if (value instanceof String s) {
      if (s.length() >= limit) {
        return s.length();
      }
      return s.length() * 3L < limit ? s.length() : s.getBytes(StandardCharsets.UTF_8).length;
    }
    if (value instanceof byte[] b) {
      return b.length;
    }
    long total = 0;
    if (value instanceof List<?> list) {
      for (Object item : list) {
        total += size(item, limit - total);
        if (total >= limit) {
          return total;
        }
      }
    } else if (value instanceof Map<?, ?> map) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        total += String.valueOf(e.getKey()).length() + size(e.getValue(), limit - total);
        if (total >= limit) {
          return total;
        }
      }
    }
    return total + 1;
  }
}
