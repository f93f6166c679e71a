package io.bramble.core.stream;

/**
 * Hears the partial results of an application's running actions, its children's included, as they
 * are emitted. Called on the thread of the emitting action (children run on many threads at once),
 * so it must be thread-safe and quick: hand the chunk on, do not block.
 */
@FunctionalInterface
public interface ChunkListener {
  void onChunk(Chunk chunk);

  /** Hears nothing. */
  ChunkListener NONE = chunk -> {};

  /** Hands each chunk to this listener, then to {@code other}. */
  default ChunkListener andThen(ChunkListener other) {
    if (this == NONE) {
      return other;
    }
    if (other == NONE) {
      return this;
    }
    return chunk -> {
      onChunk(chunk);
      other.onChunk(chunk);
    };
  }
}
