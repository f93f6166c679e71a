package io.bramble.ui;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.bramble.core.graph.GraphView;
import io.bramble.core.state.StateJson;
import io.bramble.core.tracking.ModelCall;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads what {@code LocalFileTracker} writes under a base directory (one folder per app id: {@code
 * metadata.json}, {@code graph.json}, {@code log.jsonl}, {@code children.jsonl}). Re-read on
 * request, at most every 300 ms, and incrementally: each {@code .jsonl} file is read on from where
 * the last read stopped, so polling a directory of thousands of apps stays cheap.
 */
public final class TrackerDirStore implements UiStore {
  private static final ObjectMapper JSON = StateJson.mapper();

  /** graph.json is a {@link GraphView} and more (its Mermaid text, for people). */
  private static final ObjectReader GRAPH =
      JSON.readerFor(GraphView.class).without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final long MIN_REFRESH_MS = 300;

  private final Path baseDir;
  private final AppIndex index = new AppIndex();
  private final Set<String> created = new HashSet<>();
  private final Map<Path, Long> offsets = new HashMap<>();
  private long refreshedAtMs;

  public TrackerDirStore(Path baseDir) {
    this.baseDir = baseDir;
  }

  @Override
  public String description() {
    return "tracker directory " + baseDir.toAbsolutePath();
  }

  @Override
  public synchronized AppIndex index() {
    long now = System.currentTimeMillis();
    if (now - refreshedAtMs >= MIN_REFRESH_MS) {
      refresh();
      refreshedAtMs = System.currentTimeMillis();
    }
    return index;
  }

  /** Reads whatever was written since the last refresh. */
  synchronized void refresh() {
    if (!Files.isDirectory(baseDir)) {
      return;
    }
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(baseDir, Files::isDirectory)) {
      for (Path dir : dirs) {
        readApp(dir);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + baseDir, e);
    }
  }

  private void readApp(Path dir) {
    String appId = dir.getFileName().toString();
    try {
      if (!created.contains(appId) && Files.exists(dir.resolve("metadata.json"))) {
        JsonNode meta = JSON.readTree(dir.resolve("metadata.json").toFile());
        JsonNode graph =
            Files.exists(dir.resolve("graph.json"))
                ? JSON.readTree(dir.resolve("graph.json").toFile())
                : null;
        JsonNode parent = meta.path("parent");
        index.appCreated(
            text(meta, "app_id", appId),
            null,
            graph == null ? null : GRAPH.readValue(graph),
            text(meta, "entrypoint", null),
            text(meta, "partition_key", null),
            parent.isObject() ? text(parent, "app_id", null) : null,
            parent.isObject() && parent.hasNonNull("sequence_id")
                ? parent.get("sequence_id").asLong()
                : null,
            null,
            null,
            meta.path("created_at_ms").asLong(Files.getLastModifiedTime(dir).toMillis()));
        created.add(appId);
      }
      for (String line : newLines(dir.resolve("log.jsonl"))) {
        JsonNode e = JSON.readTree(line);
        long seq = e.path("sequence_id").asLong();
        String action = text(e, "action", null);
        if ("begin_entry".equals(text(e, "type", null))) {
          index.stepStart(
              appId,
              seq,
              action,
              e.get("inputs"),
              e.get("state"),
              e.path("start_time_ms").asLong());
        } else if ("end_entry".equals(text(e, "type", null))) {
          String trace = text(e, "exception", null);
          index.stepEnd(
              appId,
              seq,
              action,
              null,
              nullIfNull(e.get("result")),
              nullIfNull(e.get("state")),
              e.hasNonNull("start_time_ms") ? e.get("start_time_ms").asLong() : null,
              e.path("end_time_ms").asLong(),
              trace == null ? null : firstLine(trace),
              trace,
              modelCalls(e.path("model_calls")));
        } else if ("end_application".equals(text(e, "type", null))) {
          index.appEnded(
              appId,
              text(e, "status", null),
              text(e, "next_action", null),
              null, // a local run is resumed by its own process, not from the page
              e.path("time_ms").asLong());
        }
      }
      for (String line : newLines(dir.resolve("children.jsonl"))) {
        JsonNode e = JSON.readTree(line);
        index.spawn(
            appId,
            e.path("parent_sequence_id").asLong(),
            text(e, "parent_action", null),
            text(e, "child_app_id", null),
            e.hasNonNull("child_index") ? e.get("child_index").asInt() : null);
      }
    } catch (IOException e) {
      // A file being written right now: read it again on the next refresh.
    }
  }

  /** Complete lines appended to {@code file} since the last call. */
  private List<String> newLines(Path file) throws IOException {
    if (!Files.exists(file)) {
      return List.of();
    }
    long from = offsets.getOrDefault(file, 0L);
    long size = Files.size(file);
    if (size <= from) {
      return List.of();
    }
    byte[] bytes;
    try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
      raf.seek(from);
      bytes = new byte[(int) Math.min(Integer.MAX_VALUE - 8, size - from)];
      raf.readFully(bytes);
    }
    int end = bytes.length;
    while (end > 0 && bytes[end - 1] != '\n') {
      end--; // a line still being written
    }
    offsets.put(file, from + end);
    List<String> lines = new ArrayList<>();
    for (String l : new String(bytes, 0, end, StandardCharsets.UTF_8).split("\n")) {
      if (!l.isBlank()) {
        lines.add(l);
      }
    }
    return lines;
  }

  private static JsonNode nullIfNull(JsonNode n) {
    return n == null || n.isNull() ? null : n;
  }

  /**
   * A step's model calls, as the file tracker writes them (none in files written before it did).
   */
  private static List<ModelCall> modelCalls(JsonNode calls) {
    List<ModelCall> out = new ArrayList<>();
    for (JsonNode c : calls) {
      out.add(
          new ModelCall(
              text(c, "model", "?"),
              c.path("input_tokens").asLong(),
              c.path("output_tokens").asLong(),
              c.path("duration_ms").asLong()));
    }
    return out;
  }

  private static String text(JsonNode n, String field, String fallback) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? fallback : v.asText();
  }

  private static String firstLine(String s) {
    int nl = s.indexOf('\n');
    return (nl < 0 ? s : s.substring(0, nl)).trim();
  }
}
