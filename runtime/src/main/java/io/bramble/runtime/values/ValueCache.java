package io.bramble.runtime.values;

import io.bramble.schemas.avro.StoredRef;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Stored values' bytes by SHA-256, the least recently used dropped past a total size; and the
 * references of the values written or read lately, by key.
 */
final class ValueCache {
  private static final int REFS_KEPT = 10_000;

  private final long maxBytes;
  private long bytes;
  private final LinkedHashMap<String, byte[]> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final LinkedHashMap<String, StoredRef> refs =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, StoredRef> eldest) {
          return size() > REFS_KEPT;
        }
      };

  ValueCache(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  synchronized void remember(StoredRef ref) {
    refs.put(ref.getKey(), ref);
  }

  synchronized Optional<StoredRef> known(String key) {
    return Optional.ofNullable(refs.get(key));
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
