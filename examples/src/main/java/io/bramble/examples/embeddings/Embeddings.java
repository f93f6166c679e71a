package io.bramble.examples.embeddings;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.state.State;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Documents indexed for search, each in a child application whose {@code embed} step needs
 * specialised compute and runs in pool {@value #GPU_POOL}, while its other steps run in the default
 * pool:
 *
 * <pre>
 * index_all → report
 *   │ one child per document (MapStates):
 *   └ retrieve → embed (pool gpu) → store
 * </pre>
 *
 * The embedding is a deterministic stand-in for a model (a hashed bag of words, normalised), so the
 * example runs offline; {@code embed_ms} makes each embedding take that long, as a model would.
 */
public final class Embeddings {
  public static final String ENTRYPOINT = "index_all";
  public static final String GPU_POOL = "gpu";
  public static final List<String> DEFAULT_DOCUMENTS =
      List.of("the sea at dawn", "a quiet harbour", "storm over the cliffs", "gulls and salt wind");
  public static final List<String> RESULT_KEYS = List.of("index", "dimensions");
  static final int DIMENSIONS = 8;

  private Embeddings() {}

  public static State initialState(List<String> documents, long embedMs) {
    return State.of("documents", documents, "embed_ms", embedMs);
  }

  public static Graph graph() {
    return Graph.builder()
        .withActions(indexAll(), report())
        .withTransition(ENTRYPOINT, "report")
        .build();
  }

  /** One document: fetch and clean its text, embed it (pool gpu), keep the vector's summary. */
  public static RunnableGraph indexOne() {
    Action retrieve =
        Action.builder("retrieve")
            .reads("document")
            .writes("text", "words")
            .update(
                (s, in) -> {
                  String text = s.getString("document").strip().toLowerCase(Locale.ROOT);
                  return s.update(Map.of("text", text, "words", (long) text.split("\\s+").length));
                });
    Action embed =
        Action.builder("embed")
            .reads("text", "embed_ms")
            .writes("vector")
            .pool(GPU_POOL)
            .update(
                (s, in) -> {
                  Thread.sleep(s.getLong("embed_ms"));
                  return s.update("vector", vectorOf(s.getString("text")));
                });
    Action store =
        Action.builder("store")
            .reads("document", "vector")
            .writes("stored")
            .update(
                (s, in) -> {
                  List<Double> v = s.getList("vector");
                  int strongest = 0;
                  for (int i = 1; i < v.size(); i++) {
                    if (v.get(i) > v.get(strongest)) {
                      strongest = i;
                    }
                  }
                  return s.update(
                      "stored",
                      Map.of("document", s.getString("document"), "strongest", (long) strongest));
                });
    Graph g =
        Graph.builder()
            .withActions(retrieve, embed, store)
            .withTransition("retrieve", "embed")
            .withTransition("embed", "store")
            .build();
    return RunnableGraph.of(g, "retrieve");
  }

  /** A hashed bag of words, normalised to length 1, rounded so it reads well. */
  static List<Double> vectorOf(String text) {
    double[] v = new double[DIMENSIONS];
    for (String word : text.split("\\s+")) {
      v[Math.floorMod(word.hashCode(), DIMENSIONS)] += 1;
    }
    double norm = 0;
    for (double x : v) {
      norm += x * x;
    }
    List<Double> out = new ArrayList<>(DIMENSIONS);
    for (double x : v) {
      out.add(Math.round(x / Math.sqrt(norm) * 1000) / 1000.0);
    }
    return out;
  }

  private static Action indexAll() {
    return MapStates.builder(ENTRYPOINT)
        .reads("documents", "embed_ms")
        .writes("index", "dimensions")
        .subGraph(indexOne())
        .states(
            (s, in) ->
                s.<String>getList("documents").stream()
                    .map(d -> State.of("document", d, "embed_ms", s.getLong("embed_ms")))
                    .toList())
        .reduce(
            (s, children) -> {
              Map<String, Object> index = new LinkedHashMap<>();
              for (State c : children) {
                Map<String, Object> stored = c.getMap("stored");
                index.put(String.valueOf(stored.get("document")), stored.get("strongest"));
              }
              return s.update(Map.of("index", index, "dimensions", (long) DIMENSIONS));
            })
        .build();
  }

  private static Action report() {
    return Action.builder("report")
        .reads("index")
        .writes("summary")
        .update((s, in) -> s.update("summary", s.getMap("index").size() + " documents indexed"));
  }
}
