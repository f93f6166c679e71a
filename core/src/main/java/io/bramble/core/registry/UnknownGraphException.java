package io.bramble.core.registry;

/** A message named a graph, version or sub-graph this process does not have. */
public class UnknownGraphException extends IllegalArgumentException {
  public UnknownGraphException(String message) {
    super(message);
  }
}
