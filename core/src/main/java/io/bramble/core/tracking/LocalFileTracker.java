package io.bramble.core.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bramble.core.graph.Graph;
import io.bramble.core.graph.GraphView;
import io.bramble.core.state.StateJson;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * Writes what applications do to a directory, one folder per app id (Burr's layout): {@code
 * graph.json}, {@code metadata.json} (partition key, parent and fork pointers), {@code log.jsonl}
 * (a begin and an end entry per step, an end entry when the application ends, fails or halts) and,
 * in a parent, {@code children.jsonl} (one spawn link per child). Safe to share between threads.
 */
public final class LocalFileTracker implements Tracker {
  private static final ObjectMapper JSON = StateJson.mapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final Path baseDir;

  public LocalFileTracker(Path baseDir) {
    this.baseDir = baseDir;
  }

  public Path baseDir() {
    return baseDir;
  }

  public Path appDir(String appId) {
    return baseDir.resolve(appId);
  }

  @Override
  public void onApplicationCreated(ApplicationInfo app) {
    Path dir = appDir(app.appId());
    ObjectNode meta =
        NODES
            .objectNode()
            .put("app_id", app.appId())
            .put("partition_key", app.partitionKey())
            .put("entrypoint", app.entrypoint())
            .put("created_at_ms", System.currentTimeMillis());
    meta.set("parent", pointer(app.parent()));
    meta.set("forked_from", pointer(app.forkedFrom()));
    try {
      Files.createDirectories(dir);
      Files.writeString(
          dir.resolve("graph.json"),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(graph(app.graph())));
      Files.writeString(
          dir.resolve("metadata.json"),
          JSON.writerWithDefaultPrettyPrinter().writeValueAsString(meta));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "cannot write tracking files for app " + app.appId() + " under " + dir, e);
    }
  }

  @Override
  public void beforeStep(StepStart s) {
    ObjectNode entry =
        NODES
            .objectNode()
            .put("type", "begin_entry")
            .put("sequence_id", s.sequenceId())
            .put("action", s.action())
            .put("start_time_ms", s.startedAtMs());
    entry.set("inputs", values(s.inputs()));
    entry.set("state", values(s.state().asMap()));
    append(s.appId(), "log.jsonl", entry);
  }

  @Override
  public void afterStep(StepEnd s) {
    ObjectNode entry =
        NODES
            .objectNode()
            .put("type", "end_entry")
            .put("sequence_id", s.sequenceId())
            .put("action", s.action())
            .put("start_time_ms", s.startedAtMs())
            .put("end_time_ms", s.endedAtMs());
    entry.set("result", s.result() == null ? NODES.nullNode() : values(s.result()));
    entry.set("state", s.state() == null ? NODES.nullNode() : values(s.state().asMap()));
    if (s.error() != null) {
      StringWriter trace = new StringWriter();
      s.error().printStackTrace(new PrintWriter(trace));
      entry.put("exception", trace.toString());
    } else {
      entry.putNull("exception");
    }
    ArrayNode calls = entry.putArray("model_calls");
    for (ModelCall call : s.modelCalls()) {
      calls
          .addObject()
          .put("model", call.model())
          .put("input_tokens", call.inputTokens())
          .put("output_tokens", call.outputTokens())
          .put("duration_ms", call.durationMs());
    }
    append(s.appId(), "log.jsonl", entry);
  }

  @Override
  public void onSpawn(SpawnLink link) {
    ObjectNode entry =
        NODES
            .objectNode()
            .put("type", "spawn")
            .put("parent_sequence_id", link.parentSequenceId())
            .put("parent_action", link.parentAction())
            .put("child_app_id", link.childAppId())
            .put("child_index", link.childIndex());
    append(link.parentAppId(), "children.jsonl", entry);
  }

  @Override
  public void onApplicationEnded(ApplicationEnd end) {
    ObjectNode entry =
        NODES
            .objectNode()
            .put("type", "end_application")
            .put("status", end.status().name())
            .put("sequence_id", end.lastSequenceId())
            .put("action", end.lastAction())
            .put("next_action", end.nextAction())
            .put("error", end.error())
            .put("time_ms", end.atMs());
    append(end.appId(), "log.jsonl", entry);
  }

  private void append(String appId, String file, JsonNode entry) {
    Path path = appDir(appId).resolve(file);
    try {
      String line = JSON.writeValueAsString(entry) + "\n";
      synchronized (this) {
        Files.createDirectories(path.getParent());
        Files.writeString(
            path,
            line,
            StandardCharsets.UTF_8,
            StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot append to " + path, e);
    }
  }

  private static JsonNode pointer(ParentPointer p) {
    if (p == null) {
      return NODES.nullNode();
    }
    return NODES
        .objectNode()
        .put("app_id", p.appId())
        .put("partition_key", p.partitionKey())
        .put("sequence_id", p.sequenceId());
  }

  /** Inputs may hold any object locally; what is not JSON-like is recorded as its toString. */
  private static JsonNode values(Map<String, ?> values) {
    ObjectNode obj = NODES.objectNode();
    values.forEach(
        (k, v) -> {
          JsonNode n;
          try {
            n = StateJson.toNode(v);
          } catch (RuntimeException notJsonLike) {
            n = NODES.textNode(String.valueOf(v));
          }
          obj.set(k, n);
        });
    return obj;
  }

  /** The graph as {@link GraphView} JSON (what the UI reads), with its Mermaid text for people. */
  static ObjectNode graph(Graph graph) {
    ObjectNode g = JSON.valueToTree(graph.view());
    g.put("mermaid", graph.toMermaid());
    return g;
  }
}
