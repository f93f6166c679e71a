package io.bramble.examples.approvals;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Condition;
import io.bramble.core.graph.Graph;
import io.bramble.core.parallel.MapStates;
import io.bramble.core.parallel.RunnableGraph;
import io.bramble.core.state.State;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Purchase requests, each reviewed in a child application of its own; those over the limit wait for
 * a person:
 *
 * <pre>
 * review_all → summarize
 *   │ one child per request (MapStates):
 *   └ assess → approve (only when the amount is over the limit; input: verdict) → file
 * </pre>
 *
 * Distributed with {@code --halt-before approve}, a child over the limit pauses in front of {@code
 * approve} while its siblings finish; {@code bramble resume CHILD --inputs
 * '{"verdict":"rejected"}'} gives the person's answer, and once every child is done the parent sums
 * up. Without halts (or locally), {@code approve} takes the job's {@code verdict} input. It
 * requires one: a resume without it, or with a misspelt one, is refused, so nothing is approved by
 * default.
 */
public final class Approvals {
  public static final String ENTRYPOINT = "review_all";
  public static final List<String> DEFAULT_REQUESTS =
      List.of("laptop:900", "chair:120", "desk:450", "monitor:300", "phone:1100");
  public static final long DEFAULT_LIMIT = 500;
  public static final List<String> RESULT_KEYS = List.of("decisions", "approved_total");

  private Approvals() {}

  public static State initialState(List<String> requests, long limit) {
    return State.of("requests", requests, "limit", limit);
  }

  public static Graph graph() {
    return Graph.builder()
        .withActions(reviewAll(), summarize())
        .withTransition(ENTRYPOINT, "summarize")
        .build();
  }

  /** One request: assess it, ask a person when it is over the limit, file the decision. */
  public static RunnableGraph review() {
    Action assess =
        Action.builder("assess")
            .reads("request", "limit")
            .writes("item", "amount", "needs_approval", "verdict")
            .update(
                (s, in) -> {
                  String[] parts = s.getString("request").split(":", 2);
                  long amount = Long.parseLong(parts[1].strip());
                  boolean over = amount > s.getLong("limit");
                  return s.update(
                      Map.of(
                          "item",
                          parts[0].strip(),
                          "amount",
                          amount,
                          "needs_approval",
                          over,
                          "verdict",
                          over ? "pending" : "auto-approved"));
                });
    Action approve =
        Action.builder("approve")
            .reads("needs_approval")
            .writes("verdict")
            .inputs("verdict")
            .tags("human")
            .update((s, in) -> s.update("verdict", String.valueOf(in.get("verdict"))));
    Action file =
        Action.builder("file")
            .reads("item", "verdict")
            .writes("filed")
            .update(
                (s, in) -> s.update("filed", s.getString("item") + ": " + s.getString("verdict")));
    Graph g =
        Graph.builder()
            .withActions(assess, approve, file)
            .withTransition("assess", "approve", Condition.when("needs_approval", true))
            .withTransition("assess", "file")
            .withTransition("approve", "file")
            .build();
    return RunnableGraph.of(g, "assess");
  }

  private static Action reviewAll() {
    return MapStates.builder(ENTRYPOINT)
        .reads("requests", "limit")
        .writes("decisions", "approved_total")
        // a job's verdict goes to every child (a parallel step passes on only what it declares)
        .optionalInputs("verdict")
        .subGraph(review())
        .states(
            (s, in) ->
                s.<String>getList("requests").stream()
                    .map(r -> State.of("request", r, "limit", s.getLong("limit")))
                    .toList())
        .reduce(
            (s, children) -> {
              Map<String, Object> decisions = new LinkedHashMap<>();
              long total = 0;
              for (State c : children) {
                String verdict = c.getString("verdict");
                decisions.put(c.getString("item"), verdict);
                if (verdict.endsWith("approved")) {
                  total += c.getLong("amount");
                }
              }
              return s.update(Map.of("decisions", decisions, "approved_total", total));
            })
        .build();
  }

  private static Action summarize() {
    return Action.builder("summarize")
        .reads("decisions", "approved_total")
        .writes("summary")
        .update(
            (s, in) ->
                s.update(
                    "summary",
                    s.getMap("decisions").size()
                        + " requests, "
                        + s.getLong("approved_total")
                        + " approved in total"));
  }
}
