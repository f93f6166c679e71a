package io.bramble.core.persistence;

import io.bramble.core.state.State;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/** Keeps every step in memory; thread-safe; copies share the storage. */
public final class InMemoryPersister implements Persister {
  private record Key(String partitionKey, String appId) {}

  private final Map<Key, TreeMap<Long, PersistedState>> steps = new ConcurrentHashMap<>();
  private final List<Key> order = new ArrayList<>();

  @Override
  public void save(
      String partitionKey,
      String appId,
      long sequenceId,
      String position,
      State state,
      Status status) {
    Key key = new Key(partitionKey, appId);
    TreeMap<Long, PersistedState> history =
        steps.computeIfAbsent(
            key,
            k -> {
              synchronized (order) {
                order.add(k);
              }
              return new TreeMap<>();
            });
    synchronized (history) {
      history.put(
          sequenceId, new PersistedState(partitionKey, appId, sequenceId, position, state, status));
    }
  }

  @Override
  public Optional<PersistedState> load(String partitionKey, String appId, Long sequenceId) {
    TreeMap<Long, PersistedState> history = steps.get(new Key(partitionKey, appId));
    if (history == null) {
      return Optional.empty();
    }
    synchronized (history) {
      if (history.isEmpty()) {
        return Optional.empty();
      }
      return Optional.ofNullable(
          sequenceId == null ? history.lastEntry().getValue() : history.get(sequenceId));
    }
  }

  @Override
  public List<String> listAppIds(String partitionKey) {
    synchronized (order) {
      return order.stream()
          .filter(k -> Objects.equals(k.partitionKey(), partitionKey))
          .map(Key::appId)
          .toList();
    }
  }
}
