package io.bramble.runtime.values;

import io.bramble.core.runtime.ValueOffloader;
import io.bramble.core.state.DeferredValue;
import io.bramble.core.state.State;
import io.bramble.core.state.StateInternals;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.StoredValue;
import io.bramble.schemas.avro.StoredRef;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One job's large state values, kept in its {@link ValueStore}: after each step (and for each child
 * a fan-out maps) every top-level value of {@code thresholdBytes} or more is stored once, under
 * {@code <root app id>/<sha256>}, and replaced by a {@link StoredValue} (held, so this task never
 * reads it back). What it stored is listed ({@link #stored}), for the job's clean-up. A value
 * larger than the store takes fails the step, naming its key and size.
 */
public final class ValueOffload implements ValueOffloader {
  private static final int PREVIEW_CHARS = 200;

  private final ValueStore store;
  private final ValueStoreConfig config;
  private final String scope;
  private final Map<String, StoredRef> stored = new LinkedHashMap<>();

  /** Values stored by this offload, by identity: the same object in many states is hashed once. */
  private final Map<Object, StoredRef> byIdentity = new IdentityHashMap<>();

  /** {@code scope}: the job's root app id, under which its values are kept. */
  public ValueOffload(ValueStore store, ValueStoreConfig config, String scope) {
    this.store = store;
    this.config = config;
    this.scope = scope;
  }

  /** Whether {@code state} holds a value {@code config} would have stored. */
  public static boolean hasLarge(State state, ValueStoreConfig config) {
    return StateInternals.raw(state).values().stream()
        .anyMatch(
            v -> !(v instanceof DeferredValue) && !ValueSizes.below(v, config.thresholdBytes()));
  }

  @Override
  public State offload(State state) {
    Map<String, Object> raw = StateInternals.raw(state);
    Map<String, Object> replaced = null;
    for (Map.Entry<String, Object> e : raw.entrySet()) {
      Object v = e.getValue();
      if (v instanceof DeferredValue || ValueSizes.below(v, config.thresholdBytes())) {
        continue;
      }
      if (replaced == null) {
        replaced = new LinkedHashMap<>(raw);
      }
      replaced.put(e.getKey(), store(e.getKey(), v));
    }
    return replaced == null ? state : StateInternals.restore(replaced);
  }

  private StoredValue store(String key, Object value) {
    StoredRef known = byIdentity.get(value);
    if (known != null) {
      return StoredValue.stored(known, value);
    }
    byte[] bytes = StateCodec.encodeValue(value);
    if (bytes.length > config.maxBytes()) {
      throw new IllegalArgumentException(
          "state key '"
              + key
              + "' holds "
              + bytes.length
              + " bytes, more than the "
              + config.kind()
              + " value store takes ("
              + config.maxBytes()
              + " bytes)");
    }
    String sha256 = StoredValue.sha256(bytes);
    String storeKey = scope + "/" + sha256;
    StoredRef ref = stored.get(sha256);
    if (ref == null) {
      // read from the store and put back in a state (a child's, say): stored already
      ref = store.known(storeKey).orElse(null);
    }
    if (ref == null) {
      ref = store.put(storeKey, bytes, sha256, preview(value));
      stored.put(sha256, ref);
    }
    byIdentity.put(value, ref);
    return StoredValue.stored(ref, value);
  }

  /** The values this offload stored, once each. */
  public List<StoredRef> stored() {
    return new ArrayList<>(stored.values());
  }

  private static String preview(Object value) {
    String text =
        value instanceof String s
            ? s
            : value instanceof byte[] b ? "(" + b.length + " bytes)" : String.valueOf(value);
    return text.length() <= PREVIEW_CHARS ? text : text.substring(0, PREVIEW_CHARS);
  }
}
