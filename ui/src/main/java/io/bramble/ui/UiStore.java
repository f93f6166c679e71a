package io.bramble.ui;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;

/**
 * What the web UI shows, from one source: a tracker directory ({@link TrackerDirStore}) or a
 * cluster's events topic ({@link KafkaEventStore}). Both feed an {@link AppIndex}; answers are JSON
 * trees the HTTP API returns as they are.
 */
public interface UiStore extends AutoCloseable {
  /** The index, brought up to date with the source. */
  AppIndex index();

  /** Where the data comes from, for the page header. */
  String description();

  /** Whether the store has caught up with its source (for the readiness endpoint). */
  default boolean ready() {
    return true;
  }

  /** Root apps newest first, or with a query every app whose id contains it; a page of them. */
  default ObjectNode list(String query, int offset, int limit) {
    return index().list(query, offset, limit);
  }

  default Optional<ObjectNode> app(String appId) {
    return index().detail(appId);
  }

  /** Children of {@code appId}'s step {@code sequenceId} (null: of every step), a page of them. */
  default Optional<ObjectNode> children(String appId, Long sequenceId, int offset, int limit) {
    return index().children(appId, sequenceId, offset, limit);
  }

  /**
   * A value kept in a value store, whole, by its digest (what the states show of it: its size, its
   * digest and its beginning); empty when this store cannot read it.
   */
  default Optional<JsonNode> value(String sha256) {
    return Optional.empty();
  }

  @Override
  default void close() {}
}
