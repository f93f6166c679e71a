package io.bramble.core.graph;

/** A graph is malformed, or a condition could not be evaluated; the message names what. */
public class GraphException extends IllegalStateException {
  public GraphException(String message) {
    super(message);
  }
}
