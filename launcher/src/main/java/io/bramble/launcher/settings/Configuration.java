package io.bramble.launcher.settings;

import io.bramble.core.registry.GraphSetting;
import io.bramble.core.runtime.Pools;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import picocli.CommandLine;

/**
 * One process's settings: each {@link Setting} comes from its flag, else its environment variable,
 * else the properties file, else its default. Loading checks the sources: an unknown {@code
 * BRAMBLE_*} environment variable or a file key that is neither Bramble's own nor a Kafka or
 * registry client config is a usage error (exit code 2) naming it, and so is a value of the wrong
 * kind, named with the flag, variable or file key it came from.
 */
public final class Configuration {
  private static final String ENV_PREFIX = "BRAMBLE_";

  private final CommandLine commandLine;
  private final Map<String, String> env;
  private final Path file;
  private final Properties props;
  private final Set<String> graphKeys;

  private Configuration(
      CommandLine commandLine,
      Map<String, String> env,
      Path file,
      Properties props,
      Set<String> graphKeys) {
    this.commandLine = commandLine;
    this.env = env;
    this.file = file;
    this.props = props;
    this.graphKeys = graphKeys;
  }

  /**
   * Reads the environment and the properties file ({@code configFlag}, else {@code
   * BRAMBLE_CONFIG}), reporting unknown keys as usage errors of {@code commandLine}. The settings
   * the loaded graphs declare ({@code graphSettings}) are known too: their file keys become system
   * properties, where {@link GraphSetting#value()} reads them.
   */
  public static Configuration load(
      CommandLine commandLine,
      Path configFlag,
      Map<String, String> env,
      Collection<GraphSetting> graphSettings) {
    return load(commandLine, configFlag, env, graphSettings, true);
  }

  /**
   * As {@link #load(CommandLine, Path, Map, Collection)} for a process that loads no graph (the
   * coordinator): a {@code BRAMBLE_*} variable or a file key that no Bramble setting reads may be a
   * graph's, read by the workers, so it is only warned about.
   */
  public static Configuration loadWithoutGraphs(
      CommandLine commandLine, Path configFlag, Map<String, String> env) {
    return load(commandLine, configFlag, env, List.of(), false);
  }

  private static Configuration load(
      CommandLine commandLine,
      Path configFlag,
      Map<String, String> env,
      Collection<GraphSetting> graphSettings,
      boolean graphsHere) {
    Set<String> graphKeys = new TreeSet<>();
    Set<String> graphEnv = new TreeSet<>();
    graphSettings.forEach(
        g -> {
          graphKeys.add(g.key());
          graphEnv.add(g.environmentVariable());
        });
    if (graphsHere) {
      checkEnvironment(commandLine, env, graphEnv);
    } else {
      // A variable close to one of Bramble's is a typo of it, not a graph's: still refused.
      Map<String, String> likeBrambles = new TreeMap<>();
      env.forEach(
          (k, v) -> {
            if (!k.startsWith(ENV_PREFIX) || Setting.environmentVariables().contains(k)) {
              return;
            }
            if (looksLike(k, Setting.environmentVariables())) {
              likeBrambles.put(k, v);
            } else {
              warn(commandLine, "environment variable " + k + " is no Bramble setting");
            }
          });
      checkEnvironment(commandLine, likeBrambles, graphEnv);
    }
    String envFile = env.get(Setting.CONFIG.env());
    Path file =
        configFlag != null
            ? configFlag
            : envFile != null && !envFile.isBlank() ? Path.of(envFile.trim()) : null;
    Properties props = new Properties();
    if (file != null) {
      try (Reader r = Files.newBufferedReader(file)) {
        props.load(r);
      } catch (IOException e) {
        throw new CommandLine.ParameterException(
            commandLine, "cannot read config file " + file + ": " + e.getMessage());
      }
      List<String> unknown =
          props.stringPropertyNames().stream()
              .filter(
                  k ->
                      !Setting.fileKeys().contains(k)
                          && !graphKeys.contains(k)
                          && !ClientConfigKeys.isKnown(k))
              .sorted()
              .toList();
      if (!graphsHere) {
        List<String> notBrambles = unknown.stream().filter(k -> !looksLike(k, known())).toList();
        if (!notBrambles.isEmpty()) {
          warn(commandLine, file + ": keys no Bramble setting reads: " + notBrambles);
        }
        unknown = unknown.stream().filter(k -> looksLike(k, known())).toList();
      }
      if (!unknown.isEmpty()) {
        throw new CommandLine.ParameterException(
            commandLine,
            file
                + ": unknown key"
                + (unknown.size() > 1 ? "s " : " ")
                + describe(unknown, known())
                + "; a key must be a Bramble setting ("
                + String.join(", ", Setting.fileKeys())
                + "), a Kafka producer, consumer, admin, Streams or schema-registry client config, or a"
                + " setting a graph declares (GraphProvider.settings()"
                + (graphKeys.isEmpty() ? "" : ": " + String.join(", ", graphKeys))
                + ")");
      }
      for (String key : graphKeys) {
        String value = props.getProperty(key);
        if (value != null && System.getProperty(key) == null) {
          System.setProperty(key, value); // -D given on the command line wins
        }
      }
    }
    return new Configuration(commandLine, env, file, props, graphKeys);
  }

  private static void warn(CommandLine commandLine, String problem) {
    commandLine
        .getErr()
        .println(
            "warning: "
                + problem
                + " (ignored here: this process loads no graph; a graph's settings are the"
                + " workers')");
  }

  /**
   * For a command that reads no other setting ({@code bramble run} in one JVM): fails on a {@code
   * BRAMBLE_*} variable that neither Bramble nor a graph of {@code graphSettings} reads, as every
   * other command does.
   */
  public static void checkEnvironment(
      CommandLine commandLine, Map<String, String> env, Collection<GraphSetting> graphSettings) {
    Set<String> graphEnv = new TreeSet<>();
    graphSettings.forEach(g -> graphEnv.add(g.environmentVariable()));
    checkEnvironment(commandLine, env, graphEnv);
  }

  /**
   * Fails on a {@code BRAMBLE_*} variable that neither a {@link Setting} nor a graph ({@code
   * graphEnv}) reads: a typo would otherwise be ignored.
   */
  static void checkEnvironment(
      CommandLine commandLine, Map<String, String> env, Set<String> graphEnv) {
    Set<String> understood = Setting.environmentVariables();
    List<String> unknown =
        env.keySet().stream()
            .filter(
                k -> k.startsWith(ENV_PREFIX) && !understood.contains(k) && !graphEnv.contains(k))
            .sorted()
            .toList();
    if (!unknown.isEmpty()) {
      throw new CommandLine.ParameterException(
          commandLine,
          "unknown environment variable"
              + (unknown.size() > 1 ? "s " : " ")
              + describe(unknown, understood)
              + "; Bramble reads "
              + String.join(", ", understood)
              + (graphEnv.isEmpty() ? "" : "; the graphs read " + String.join(", ", graphEnv))
              + " (a graph's own setting is declared by its GraphProvider.settings())");
    }
  }

  /** The file in use, if any. */
  public Optional<Path> file() {
    return Optional.ofNullable(file);
  }

  /** The properties-file entries that are not Bramble's own: for every Kafka client. */
  public Map<String, String> clientProperties() {
    Map<String, String> client = new LinkedHashMap<>();
    props.stringPropertyNames().stream()
        .filter(k -> !Setting.fileKeys().contains(k) && !graphKeys.contains(k))
        .sorted()
        .forEach(k -> client.put(k, props.getProperty(k)));
    return client;
  }

  /** Checks {@code --client-property} keys like file keys. */
  public void checkClientProperties(Map<String, String> flagged) {
    List<String> unknown =
        flagged.keySet().stream().filter(k -> !ClientConfigKeys.isKnown(k)).sorted().toList();
    if (!unknown.isEmpty()) {
      throw new CommandLine.ParameterException(
          commandLine,
          "--client-property: unknown Kafka client config "
              + describe(unknown, ClientConfigKeys.all()));
    }
  }

  /**
   * {@code setting}'s value: {@code flag} if given, else environment, else file, else {@code
   * fallback}.
   */
  public String string(Setting setting, String flag, String fallback) {
    Value v = value(setting, flag == null ? null : flag);
    return v == null ? fallback : v.text();
  }

  public Path path(Setting setting, Path flag, String fallback) {
    String s = string(setting, flag == null ? null : flag.toString(), fallback);
    return s == null ? null : Path.of(s);
  }

  /** {@code true} or {@code false}, else a usage error naming where the value came from. */
  public boolean bool(Setting setting, Boolean flag, boolean fallback) {
    Value v = value(setting, flag == null ? null : flag.toString());
    if (v == null) {
      return fallback;
    }
    String text = v.text().trim().toLowerCase(Locale.ROOT);
    if (!text.equals("true") && !text.equals("false")) {
      throw new CommandLine.ParameterException(
          commandLine,
          v.source() + ": " + name(setting) + " must be true or false, got '" + v.text() + "'");
    }
    return text.equals("true");
  }

  /** A whole number in {@code [min, max]}, else a usage error naming where the value came from. */
  public int integer(Setting setting, Integer flag, int fallback, int min, int max) {
    Value v = value(setting, flag == null ? null : flag.toString());
    if (v == null) {
      return fallback;
    }
    long n = parse(setting, v);
    if (n < min || n > max) {
      throw new CommandLine.ParameterException(
          commandLine,
          v.source()
              + ": "
              + name(setting)
              + " must be "
              + (max == Integer.MAX_VALUE ? "at least " + min : "between " + min + " and " + max)
              + ", got "
              + n);
    }
    return (int) n;
  }

  public long longValue(Setting setting, Long flag, long fallback, long min) {
    Value v = value(setting, flag == null ? null : flag.toString());
    if (v == null) {
      return fallback;
    }
    long n = parse(setting, v);
    if (n < min) {
      throw new CommandLine.ParameterException(
          commandLine,
          v.source() + ": " + name(setting) + " must be at least " + min + ", got " + n);
    }
    return n;
  }

  /**
   * The pools a worker serves ({@link Setting#WORKER_POOLS}, comma-separated), each with its
   * concurrency: as {@link Setting#WORKER_POOL_CONCURRENCY} ({@code POOL=N,…}) says, else {@code
   * concurrency}. A bad pool name, or a concurrency for a pool not served, is a usage error naming
   * where it came from.
   */
  public Map<String, Integer> pools(String poolsFlag, String perPoolFlag, int concurrency) {
    Value list = value(Setting.WORKER_POOLS, poolsFlag);
    String source = list == null ? "the default pools" : list.source();
    Map<String, Integer> pools = new TreeMap<>();
    for (String pool : (list == null ? Pools.DEFAULT : list.text()).split(",")) {
      String name = pool.trim();
      if (name.isEmpty()) {
        continue;
      }
      Pools.problem(name, source)
          .ifPresent(
              problem -> {
                throw new CommandLine.ParameterException(commandLine, problem);
              });
      pools.put(name, concurrency);
    }
    if (pools.isEmpty()) {
      throw new CommandLine.ParameterException(commandLine, source + ": name at least one pool");
    }
    Value perPool = value(Setting.WORKER_POOL_CONCURRENCY, perPoolFlag);
    if (perPool == null) {
      return pools;
    }
    for (String entry : perPool.text().split(",")) {
      if (entry.isBlank()) {
        continue;
      }
      String[] kv = entry.split("=", 2);
      String pool = kv[0].trim();
      if (kv.length != 2 || !pools.containsKey(pool)) {
        throw new CommandLine.ParameterException(
            commandLine,
            perPool.source()
                + ": '"
                + entry.trim()
                + "' must be POOL=N for a pool this worker serves ("
                + String.join(", ", pools.keySet())
                + ")");
      }
      long n = parse(Setting.WORKER_POOL_CONCURRENCY, new Value(kv[1], perPool.source()));
      if (n < 1 || n > 100_000) {
        throw new CommandLine.ParameterException(
            commandLine,
            perPool.source()
                + ": pool "
                + pool
                + " concurrency must be between 1 and 100000, got "
                + n);
      }
      pools.put(pool, (int) n);
    }
    return pools;
  }

  /** A TCP port, 0–65535 (0: see the setting). */
  public int port(Setting setting, Integer flag, int fallback) {
    return integer(setting, flag, fallback, 0, 65535);
  }

  private long parse(Setting setting, Value v) {
    try {
      return Long.parseLong(v.text().trim());
    } catch (NumberFormatException e) {
      throw new CommandLine.ParameterException(
          commandLine,
          v.source() + ": " + name(setting) + " must be a number, got '" + v.text() + "'");
    }
  }

  private Value value(Setting setting, String flag) {
    if (flag != null) {
      String f = setting.flag();
      return new Value(flag, f == null ? setting.name() : f.substring(f.lastIndexOf(' ') + 1));
    }
    String e = env.get(setting.env());
    if (e != null && !e.isBlank()) {
      return new Value(e, "environment variable " + setting.env());
    }
    if (setting.fileKey().isPresent()) {
      String p = props.getProperty(setting.fileKey().get());
      if (p != null) {
        return new Value(p, file + ": key " + setting.fileKey().get());
      }
    }
    return null;
  }

  private static String name(Setting setting) {
    return setting
        .fileKey()
        .map(k -> k.replace('.', ' '))
        .orElse(setting.name().toLowerCase(Locale.ROOT));
  }

  private record Value(String text, String source) {}

  private static Set<String> known() {
    Set<String> known = new TreeSet<>(Setting.fileKeys());
    known.addAll(ClientConfigKeys.all());
    return known;
  }

  /** "A (did you mean B?), C". */
  private static String describe(List<String> unknown, Collection<String> known) {
    List<String> parts = new ArrayList<>();
    for (String u : unknown) {
      String best = null;
      int bestDistance = Integer.MAX_VALUE;
      for (String k : known) {
        int d = distance(u.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
        if (d < bestDistance) {
          bestDistance = d;
          best = k;
        }
      }
      parts.add(
          u
              + (best != null && bestDistance <= Math.max(2, u.length() / 5)
                  ? " (did you mean " + best + "?)"
                  : ""));
    }
    return String.join(", ", parts);
  }

  /**
   * Whether {@code name} is probably a mistyped one of {@code known}: close to one, or a part of
   * one's dotted name ({@code registry.url} for {@code schema.registry.url}).
   */
  private static boolean looksLike(String name, Collection<String> known) {
    String n = name.toLowerCase(Locale.ROOT);
    for (String k : known) {
      String l = k.toLowerCase(Locale.ROOT);
      if (distance(n, l) <= Math.max(2, n.length() / 5)
          || l.endsWith("." + n)
          || l.endsWith("_" + n.replace("bramble_", ""))) {
        return true;
      }
    }
    return false;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
