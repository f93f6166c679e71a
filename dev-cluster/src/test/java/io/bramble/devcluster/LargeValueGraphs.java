package io.bramble.devcluster;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.state.State;
import java.util.stream.LongStream;

/** Graphs whose states hold large values: a document fanned out, a blob, a value made too large. */
final class LargeValueGraphs {
  private LargeValueGraphs() {}

  /**
   * count_words (one child per part: each holds the whole document and counts the spaces of its
   * part of it; the reduce sums them) → forget (replaces the document by a note; only when the
   * state's {@code forget} is true, else the job ends holding the document).
   */
  static final class Documents implements GraphProvider {
    private final Graph graph = build();

    @Override
    public String name() {
      return "documents";
    }

    @Override
    public Graph graph() {
      return graph;
    }

    @Override
    public String entrypoint() {
      return "count_words";
    }

    private static Graph build() {
      Action count =
          Action.builder("count")
              .reads("doc", "part", "parts")
              .writes("spaces")
              .update(
                  (s, in) -> {
                    String doc = s.getString("doc");
                    int parts = (int) s.getLong("parts");
                    int part = (int) s.getLong("part");
                    String slice =
                        doc.substring(
                            part * doc.length() / parts, (part + 1) * doc.length() / parts);
                    return s.update("spaces", slice.chars().filter(c -> c == ' ').count());
                  });
      Action countWords =
          MapStates.builder("count_words")
              .reads("doc", "parts")
              .writes("spaces")
              .subGraph(RunnableGraph.of(count))
              .states(
                  (s, in) ->
                      LongStream.range(0, s.getLong("parts"))
                          .mapToObj(
                              i ->
                                  State.of("doc", s.get("doc"), "part", i, "parts", s.get("parts")))
                          .toList())
              .reduce(
                  (s, children) ->
                      s.update(
                          "spaces", children.stream().mapToLong(c -> c.getLong("spaces")).sum()))
              .build();
      Action forget =
          Action.builder("forget")
              .reads("spaces")
              .writes("doc", "words")
              .update((s, in) -> s.update("doc", "(counted)", "words", s.getLong("spaces") + 1));
      return Graph.builder()
          .withActions(countWords, forget)
          .withTransition("count_words", "forget", Condition.when("forget", true))
          .build();
    }
  }

  /** measure: the length of a blob the job was submitted with (kept in its final state). */
  static final class Blobs implements GraphProvider {
    private final Graph graph =
        Graph.builder()
            .withActions(
                Action.builder("measure")
                    .reads("blob")
                    .writes("length")
                    .update((s, in) -> s.update("length", (long) s.getString("blob").length())))
            .build();

    @Override
    public String name() {
      return "blobs";
    }

    @Override
    public Graph graph() {
      return graph;
    }

    @Override
    public String entrypoint() {
      return "measure";
    }
  }

  /** make: a string of {@code n} characters under {@code made}. */
  static final class Maker implements GraphProvider {
    private final Graph graph =
        Graph.builder()
            .withActions(
                Action.builder("make")
                    .reads("n")
                    .writes("made")
                    .update((s, in) -> s.update("made", "m".repeat((int) s.getLong("n")))))
            .build();

    @Override
    public String name() {
      return "maker";
    }

    @Override
    public Graph graph() {
      return graph;
    }

    @Override
    public String entrypoint() {
      return "make";
    }
  }
}
