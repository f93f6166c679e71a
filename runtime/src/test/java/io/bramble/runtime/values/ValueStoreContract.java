package io.bramble.runtime.values;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.core.state.State;
import io.bramble.core.state.StateInternals;
import io.bramble.schemas.StateCodec;
import io.bramble.schemas.StoredValue;
import io.bramble.schemas.avro.StoredRef;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What every value store does, on a real store each subclass starts. */
abstract class ValueStoreContract {
  /** A store of the same backend as every other {@link #store()} call of the test, fresh. */
  abstract ValueStore store();

  /** A string of {@code bytes} bytes, not compressible to nothing. */
  static String text(int bytes, long seed) {
    Random random = new Random(seed);
    StringBuilder sb = new StringBuilder(bytes);
    while (sb.length() < bytes) {
      sb.append((char) ('a' + random.nextInt(26)));
    }
    return sb.toString();
  }

  @Test
  void aValueStoredIsReadBackWholeByAnotherProcessFromItsReference() {
    String document = text(2 * 1024 * 1024 + 17, 1);
    byte[] bytes = StateCodec.encodeValue(document);
    StoredRef ref;
    try (ValueStore writer = store()) {
      ref = writer.put("job-1/" + StoredValue.sha256(bytes), bytes, StoredValue.sha256(bytes), "");
    }
    try (ValueStore reader = store()) {
      assertThat(new StoredValue(ref, reader).value()).isEqualTo(document);
    }
    assertThat(ref.getBytes()).isEqualTo(bytes.length);
  }

  @Test
  void anOffloadStoresEachLargeValueOnceAndLeavesSmallOnesInPlace() {
    try (ValueStore store = store()) {
      ValueOffload offload =
          new ValueOffload(store, ValueStoreConfig.defaults().withThresholdBytes(1024), "job-2");
      String doc = text(5000, 2);
      State state = offload.offload(State.of("doc", doc, "copy", doc, "n", 3L, "small", "x"));

      Map<String, Object> raw = StateInternals.raw(state);
      assertThat(raw.get("doc")).isInstanceOf(StoredValue.class);
      assertThat(raw.get("copy")).isInstanceOf(StoredValue.class);
      assertThat(raw.get("small")).isEqualTo("x");
      assertThat(offload.stored()).as("two keys, one content: stored once").hasSize(1);
      assertThat(offload.stored().get(0).getPreview()).isEqualTo(doc.substring(0, 200));

      State back = StateCodec.toState(StateCodec.toAvro(state), store);
      assertThat(StateInternals.raw(back).get("doc")).isInstanceOf(StoredValue.class);
      assertThat(((StoredValue) StateInternals.raw(back).get("doc")).isLoaded())
          .as("not read before its key is")
          .isFalse();
      assertThat(back.getString("doc")).isEqualTo(doc);
      assertThat(back).isEqualTo(State.of("doc", doc, "copy", doc, "n", 3L, "small", "x"));
    }
  }

  @Test
  void aValueLargerThanTheStoreTakesFailsNamingItsKeyAndSize() {
    try (ValueStore store = store()) {
      ValueOffload offload =
          new ValueOffload(
              store,
              ValueStoreConfig.defaults().withThresholdBytes(100).withMaxBytes(1000),
              "job-3");
      assertThatThrownBy(() -> offload.offload(State.of("transcript", text(5000, 3))))
          .hasMessageContaining("state key 'transcript' holds 500")
          .hasMessageContaining("more than the");
    }
  }

  /** Asserts that the value of {@code ref} was deleted from the store. */
  abstract void assertDeleted(StoredRef ref);

  @Test
  void aDeletedValueIsGone() {
    byte[] bytes = StateCodec.encodeValue(List.of(text(3000, 4), 7L));
    try (ValueStore store = store()) {
      StoredRef ref =
          store.put("job-4/" + StoredValue.sha256(bytes), bytes, StoredValue.sha256(bytes), "");
      store.delete(List.of(ref));
      assertDeleted(ref);
    }
  }
}
