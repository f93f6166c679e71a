package io.bramble.coordinator;

import io.bramble.schemas.avro.OutcomePages;
import io.bramble.schemas.avro.StoredRef;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * What a job's tree left behind ({@link StoreNames#TREES}): its apps (their checkpoints), its joins
 * (their done markers), the values its tasks kept in the value store and the pages of its wide
 * joins, all removed when the job completes. Each addition is an entry of its own ({@code
 * <root>/<entry number>}, numbered by {@code <root>#entries}), so no record grows with the tree: a
 * fan-out of 100,000 children adds its apps page by page. One line per thing: {@code app:ID},
 * {@code join:ID}, {@code value:KEY<tab>STORE<tab>LOCATOR<tab>BYTES<tab>SHA256}, {@code
 * pages:TOPIC<tab>KEY<tab>COUNT}.
 */
final class JobTrees {
  /** What a completed job's clean-up removes. */
  record Tree(
      List<String> apps, List<String> joins, List<StoredRef> values, List<OutcomePages> pages) {}

  private final KeyValueStore<String, String> trees;

  JobTrees(KeyValueStore<String, String> trees) {
    this.trees = trees;
  }

  void addJoin(String rootAppId, String joinId) {
    add(rootAppId, "join:" + joinId + "\n");
  }

  void addApps(String rootAppId, List<String> appIds) {
    if (appIds.isEmpty()) {
      return;
    }
    StringBuilder lines = new StringBuilder();
    for (String app : appIds) {
      lines.append("app:").append(app).append('\n');
    }
    add(rootAppId, lines.toString());
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
    add(rootAppId, lines.toString());
  }

  void addPages(String rootAppId, OutcomePages pages) {
    add(
        rootAppId,
        "pages:" + pages.getTopic() + '\t' + pages.getKey() + '\t' + pages.getCount() + '\n');
  }

  private void add(String rootAppId, String lines) {
    String counter = rootAppId + "#entries";
    String last = trees.get(counter);
    long next = last == null ? 1 : Long.parseLong(last) + 1;
    trees.put(counter, Long.toString(next));
    trees.put(entryKey(rootAppId, next), lines);
  }

  private static String entryKey(String rootAppId, long entry) {
    return rootAppId + "/" + String.format("%010d", entry);
  }

  /** The root of an entry's key (or of a key as kept before entries: the root itself). */
  private static String rootOfEntry(String key) {
    int slash = key.length() - 11;
    boolean entry =
        slash >= 0
            && key.charAt(slash) == '/'
            && key.substring(slash + 1).chars().allMatch(Character::isDigit);
    return entry ? key.substring(0, slash) : key;
  }

  /** The root whose tree holds app {@code appId}, or null: a scan, for poison records only. */
  String rootOf(String appId) {
    String line = "app:" + appId + "\n";
    try (KeyValueIterator<String, String> it = trees.all()) {
      while (it.hasNext()) {
        var entry = it.next();
        if (entry.value.startsWith(line) || entry.value.contains("\n" + line)) {
          return rootOfEntry(entry.key);
        }
      }
    }
    return null;
  }

  /** Removes and returns {@code rootAppId}'s tree (each value once, by its locator). */
  Tree take(String rootAppId) {
    List<String> entries = new ArrayList<>();
    List<String> keys = new ArrayList<>();
    String legacy = trees.get(rootAppId); // one growing record, as kept before entries
    if (legacy != null) {
      entries.add(legacy);
      keys.add(rootAppId);
    }
    try (KeyValueIterator<String, String> it =
        trees.range(entryKey(rootAppId, 0), entryKey(rootAppId, 9_999_999_999L))) {
      it.forEachRemaining(
          kv -> {
            if (rootOfEntry(kv.key).equals(rootAppId)) { // not another root's: "a" and "a/0..."
              entries.add(kv.value);
              keys.add(kv.key);
            }
          });
    }
    if (trees.get(rootAppId + "#entries") != null) {
      keys.add(rootAppId + "#entries");
    }
    Tree tree =
        new Tree(new ArrayList<>(), new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    Set<String> seen = new HashSet<>();
    for (String entry : entries) {
      for (String line : entry.split("\n")) {
        read(line, tree, seen);
      }
    }
    keys.forEach(trees::delete);
    return tree;
  }

  private static void read(String line, Tree tree, Set<String> seenValues) {
    if (line.startsWith("app:")) {
      tree.apps().add(line.substring(4));
    } else if (line.startsWith("join:")) {
      tree.joins().add(line.substring(5));
    } else if (line.startsWith("value:")) {
      String[] f = line.substring(6).split("\t");
      if (f.length == 5 && seenValues.add(f[0] + "\t" + f[2])) {
        tree.values().add(new StoredRef(f[1], f[0], Long.parseLong(f[3]), f[4], "", f[2]));
      }
    } else if (line.startsWith("pages:")) {
      String[] f = line.substring(6).split("\t");
      if (f.length == 3) {
        tree.pages().add(new OutcomePages(f[0], 0, f[1], Integer.parseInt(f[2]), 0L));
      }
    }
  }
}
