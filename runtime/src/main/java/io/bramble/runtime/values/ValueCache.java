package io.bramble.runtime.values;

import java.util.LinkedHashMap;
import java.util.Map;

/** Stored values' bytes by SHA-256, the least recently used dropped past a total size. */
final class ValueCache {
  private final long maxBytes;
  private long bytes;
  private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>(16, 0.75f, true);

  ValueCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized byte[] get(String sha256) {
    return entries.get(sha256);
  }

  synchronized void put(String sha256, byte[] value) {
    if (value.length > maxBytes / 4) {
      return; // one value must not empty the cache
    }
    byte[] before = entries.put(sha256, value);
    bytes += value.length - (before == null ? 0 : before.length);
    var it = entries.entrySet().iterator();
    while (bytes > maxBytes && it.hasNext()) {
      Map.Entry<String, byte[]> eldest = it.next();
      bytes -= eldest.getValue().length;
      it.remove();
    }
  }
}
