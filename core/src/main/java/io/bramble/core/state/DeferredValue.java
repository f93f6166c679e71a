package io.bramble.core.state;

/**
 * A state value kept elsewhere, because it is too large to travel in every record (a document, a
 * transcript): a runtime puts it in a state in place of the value, and it is loaded when a step
 * first reads its key ({@link State#get}), not before. A state that passes it on unchanged (to a
 * child, to the next step) never loads it. Local runs never make one.
 */
public interface DeferredValue {
  /** The value itself, as a state holds it (JSON-like), loaded on the first call. */
  Object value();

  /** Its size in bytes, as stored. */
  long bytes();

  /** An identity of its content: two deferred values with equal digests hold equal values. */
  String digest();

  /** Its beginning as text, for display without loading it. */
  String preview();
}
