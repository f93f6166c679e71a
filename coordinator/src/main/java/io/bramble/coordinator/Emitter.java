package io.bramble.coordinator;

/** Forwards a record to one of the coordinator's sinks, in the current record's trace. */
@FunctionalInterface
interface Emitter {
  void emit(String sink, String key, Object value, long timestamp);
}
