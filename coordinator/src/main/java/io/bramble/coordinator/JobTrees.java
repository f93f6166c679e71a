package io.bramble.coordinator;

import io.bramble.schemas.avro.StoredRef;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What a job's tree left behind, by its root app id ({@link StoreNames#TREES}): its apps (their
 * checkpoints), its joins (their done markers) and the values its tasks kept in the value store,
 * all removed when the job completes. One line each: {@code app:ID}, {@code join:ID}, {@code
 * value:KEY<tab>STORE<tab>LOCATOR<tab>BYTES<tab>SHA256}.
 */
final class JobTrees {
  /** What a completed job's clean-up removes. */
  record Tree(List<String> apps, List<String> joins, List<StoredRef> values) {}

  private final KeyValueStore<String, String> trees;

  JobTrees(KeyValueStore<String, String> trees) {
    this.trees = trees;
  }

  void addJoin(String rootAppId, String joinId, List<String> childAppIds) {
    StringBuilder lines = new StringBuilder();
    lines.append("join:").append(joinId).append('\n');
    for (String app : childAppIds) {
      lines.append("app:").append(app).append('\n');
    }
    append(rootAppId, lines);
  }

  void addValues(String rootAppId, List<StoredRef> values) {
    if (values.isEmpty()) {
      return;
    }
    StringBuilder lines = new StringBuilder();
    for (StoredRef v : values) {
      lines
          .append("value:")
          .append(v.getKey())
          .append('\t')
          .append(v.getStore())
          .append('\t')
          .append(v.getLocator())
          .append('\t')
          .append(v.getBytes())
          .append('\t')
          .append(v.getSha256())
          .append('\n');
    }
    append(rootAppId, lines);
  }

  private void append(String rootAppId, StringBuilder lines) {
    String known = trees.get(rootAppId);
    trees.put(rootAppId, known == null ? lines.toString() : known + lines);
  }

  /** The root whose tree holds app {@code appId}, or null: a scan, for poison records only. */
  String rootOf(String appId) {
    String line = "app:" + appId + "\n";
    try (var it = trees.all()) {
      while (it.hasNext()) {
        var tree = it.next();
        if (tree.value.contains(line)) {
          return tree.key;
        }
      }
    }
    return null;
  }

  /** Removes and returns {@code rootAppId}'s tree (each value written once, by its locator). */
  Tree take(String rootAppId) {
    List<String> apps = new ArrayList<>();
    List<String> joins = new ArrayList<>();
    List<StoredRef> values = new ArrayList<>();
    String tree = trees.get(rootAppId);
    if (tree == null) {
      return new Tree(apps, joins, values);
    }
    List<String> seen = new ArrayList<>();
    for (String line : tree.split("\n")) {
      if (line.startsWith("app:")) {
        apps.add(line.substring(4));
      } else if (line.startsWith("join:")) {
        joins.add(line.substring(5));
      } else if (line.startsWith("value:")) {
        String[] f = line.substring(6).split("\t");
        if (f.length == 5 && !seen.contains(f[0] + "\t" + f[2])) {
          seen.add(f[0] + "\t" + f[2]);
          values.add(new StoredRef(f[1], f[0], Long.parseLong(f[3]), f[4], "", f[2]));
        }
      }
    }
    trees.delete(rootAppId);
    return new Tree(apps, joins, values);
  }
}
