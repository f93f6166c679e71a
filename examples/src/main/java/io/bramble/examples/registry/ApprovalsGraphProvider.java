package io.bramble.examples.registry;

import io.bramble.core.graph.Graph;
import io.bramble.core.registry.GraphParameter;
import io.bramble.core.registry.GraphParameter.Type;
import io.bramble.core.registry.GraphProvider;
import io.bramble.core.state.State;
import io.bramble.examples.approvals.Approvals;
import java.util.List;

/** The approvals graph by name: purchase requests, a person deciding those over the limit. */
public final class ApprovalsGraphProvider implements GraphProvider {
  private static final Graph GRAPH = Approvals.graph();

  @Override
  public String name() {
    return "approvals";
  }

  @Override
  public Graph graph() {
    return GRAPH;
  }

  @Override
  public String entrypoint() {
    return Approvals.ENTRYPOINT;
  }

  @Override
  public State defaultState() {
    return Approvals.initialState(Approvals.DEFAULT_REQUESTS, Approvals.DEFAULT_LIMIT);
  }

  @Override
  public List<GraphParameter> parameters() {
    return List.of(
        GraphParameter.state(
            "requests",
            "requests",
            Type.LIST,
            String.join(",", Approvals.DEFAULT_REQUESTS),
            "Purchase requests, item:amount"),
        GraphParameter.state(
                "limit",
                "limit",
                Type.INTEGER,
                "" + Approvals.DEFAULT_LIMIT,
                "Amounts above it need a person")
            .atLeast(0),
        GraphParameter.input(
            "verdict",
            "verdict",
            Type.TEXT,
            null,
            "The answer for every request over the limit, approved or rejected (required unless"
                + " the job halts before approve)"));
  }

  @Override
  public List<String> resultKeys() {
    return Approvals.RESULT_KEYS;
  }

  @Override
  public String childLabel(State child) {
    return String.valueOf(child.get("request"));
  }
}
