package io.bramble.core.application;

import io.bramble.core.action.Action;
import io.bramble.core.graph.Graph;
import java.util.Collection;
import java.util.List;

/** Halt lists: action names, or {@code @tag:NAME} for every action tagged NAME. */
public final class Halts {
  public static final String TAG_PREFIX = "@tag:";

  private Halts() {}

  public static void validate(Graph graph, Collection<String> halts, String which) {
    for (String h : halts) {
      if (h.startsWith(TAG_PREFIX)) {
        String tag = h.substring(TAG_PREFIX.length());
        if (graph.actions().stream().noneMatch(a -> a.tags().contains(tag))) {
          throw new ApplicationException(which + " names tag '" + tag + "', which no action has");
        }
      } else if (!graph.hasAction(h)) {
        throw new ApplicationException(which + " names unknown action '" + h + "' (actions: "
            + graph.actions().stream().map(Action::name).toList() + ")");
      }
    }
  }

  public static boolean matches(Action action, List<String> halts) {
    for (String h : halts) {
      if (h.startsWith(TAG_PREFIX) ? action.tags().contains(h.substring(TAG_PREFIX.length())) : h.equals(action.name())) {
        return true;
      }
    }
    return false;
  }
}
