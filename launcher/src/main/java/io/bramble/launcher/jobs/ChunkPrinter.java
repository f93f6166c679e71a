package io.bramble.launcher.jobs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bramble.client.StreamedChunk;
import io.bramble.core.state.StateJson;
import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Prints a job's stream as it arrives: {@code <child label> | <text>} (the root's own steps under
 * their action's name). Text continues the open line while the same step streams on, and starts a
 * new labelled line when another step's chunk comes in between or the text has a line break; when a
 * step runs again (a retry, or a worker that crashed mid-step), a line says so before its new
 * attempt's text. Or, as JSON, one object per chunk.
 */
final class ChunkPrinter implements Consumer<StreamedChunk> {
  private final PrintStream out;
  private final boolean json;
  private final Map<String, Integer> attempts = new HashMap<>();

  /** The step run (app, step, attempt) of the line printed last, while it is open; else null. */
  private String openLine;

  ChunkPrinter(PrintStream out, boolean json) {
    this.out = out;
    this.json = json;
  }

  @Override
  public synchronized void accept(StreamedChunk c) {
    if (json) {
      out.println(json(c));
      return;
    }
    String label = c.label().isEmpty() ? c.action() : c.label();
    String run = c.appId() + "/" + c.sequenceId() + "/" + c.attempt();
    Integer shown = attempts.put(c.appId() + "/" + c.sequenceId(), c.attempt());
    if (shown != null && shown < c.attempt()) {
      endLine();
      out.println(
          label
              + " | [attempt "
              + c.attempt()
              + ": step "
              + c.sequenceId()
              + " ("
              + c.action()
              + ") runs again"
              + (c.workerId() == null ? "" : " on " + c.workerId())
              + "; its text so far starts over]");
    }
    String[] lines = c.text().split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (i > 0) {
        endLine();
      }
      if (lines[i].isEmpty()) {
        continue;
      }
      if (!run.equals(openLine)) {
        endLine();
        out.print(label + " | ");
        openLine = run;
      }
      out.print(lines[i]);
    }
    out.flush();
  }

  /** Ends the open line, if any: before other output (the final state). */
  synchronized void endLine() {
    if (openLine != null) {
      out.println();
      openLine = null;
    }
  }

  private static String json(StreamedChunk c) {
    ObjectNode o = StateJson.mapper().createObjectNode();
    o.put("root_app_id", c.rootAppId());
    o.put("app_id", c.appId());
    o.put("parent_app_id", c.parentAppId());
    o.put("label", c.label());
    o.put("action", c.action());
    o.put("sequence_id", c.sequenceId());
    o.put("attempt", c.attempt());
    o.put("chunk", c.text());
    try {
      return StateJson.mapper().writeValueAsString(o);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot print a chunk as JSON: " + e.getMessage(), e);
    }
  }
}
