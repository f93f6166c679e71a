package io.bramble.launcher.graphs;

import io.bramble.launcher.settings.Setting;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The jars (and class folders) graphs are loaded from beyond the launcher's own: {@code
 * --classpath} and {@code BRAMBLE_CLASSPATH}, each {@code :}-separated, an entry a jar, a folder of
 * classes, or {@code DIR/*} for every jar in a folder (as {@code java -cp} reads it). An entry that
 * does not exist is an error; one that holds no {@code GraphProvider} is worth a warning (a library
 * jar is fine, a graph jar without its services file is a mistake). Each jar of graphs gets a class
 * loader of its own ({@link #classLoaders}), so two jars may hold two versions of one graph,
 * classes of the same names included. Entries already on the JVM's class path are not loaded a
 * second time.
 */
public final class GraphClassPath {
  /** The environment variable naming graph jars. */
  public static final String ENV = Setting.CLASSPATH.env();

  /** {@link Setting#CLASSPATH}'s flag (an annotation needs the constant). */
  public static final String FLAG = "--classpath";

  static final String SERVICES = "META-INF/services/io.bramble.core.registry.GraphProvider";

  private record Entry(String origin, String text, List<Path> paths) {}

  private final List<Entry> entries;

  private GraphClassPath(List<Entry> entries) {
    this.entries = entries;
  }

  /**
   * The entries of {@code flag} ({@code --classpath}, may be null) then of {@code env} ({@code
   * BRAMBLE_CLASSPATH}, may be null); throws {@link IllegalArgumentException} naming the first
   * entry that does not exist.
   */
  public static GraphClassPath of(String flag, String env) {
    List<Entry> entries = new ArrayList<>();
    add(entries, FLAG, flag);
    add(entries, ENV, env);
    return new GraphClassPath(entries);
  }

  /**
   * Removes {@code --classpath X} and {@code --classpath=X} from {@code args}, wherever they are
   * (the graphs shape {@code run}'s subcommands, so they are read before the command line is
   * parsed); their entries, {@code :}-joined, or null.
   */
  public static String takeFlag(List<String> args) {
    List<String> values = new ArrayList<>();
    for (int i = 0; i < args.size(); ) {
      String a = args.get(i);
      if (a.equals(FLAG)) {
        if (i + 1 >= args.size()) {
          throw new IllegalArgumentException(FLAG + " needs a value (jars, ':'-separated)");
        }
        values.add(args.get(i + 1));
        args.subList(i, i + 2).clear();
      } else if (a.startsWith(FLAG + "=")) {
        values.add(a.substring(FLAG.length() + 1));
        args.remove(i);
      } else {
        i++;
      }
    }
    return values.isEmpty() ? null : String.join(File.pathSeparator, values);
  }

  private static void add(List<Entry> entries, String origin, String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    for (String text : value.split(File.pathSeparator)) {
      if (!text.isBlank()) {
        entries.add(new Entry(origin, text.strip(), expand(origin, text.strip())));
      }
    }
  }

  private static List<Path> expand(String origin, String text) {
    if (text.endsWith("/*") || text.equals("*")) {
      Path dir = Path.of(text.length() == 1 ? "." : text.substring(0, text.length() - 2));
      if (!Files.isDirectory(dir)) {
        throw new IllegalArgumentException(
            origin + " entry '" + text + "': folder " + dir.toAbsolutePath() + " does not exist");
      }
      try (Stream<Path> files = Files.list(dir)) {
        return files.filter(GraphClassPath::isJar).sorted().map(GraphClassPath::canonical).toList();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + dir, e);
      }
    }
    Path path = Path.of(text);
    if (!Files.exists(path)) {
      throw new IllegalArgumentException(
          origin + " entry '" + text + "' does not exist (" + path.toAbsolutePath() + ")");
    }
    if (Files.isRegularFile(path) && !isJar(path)) {
      throw new IllegalArgumentException(
          origin + " entry '" + text + "' is neither a jar nor a folder");
    }
    return List.of(canonical(path));
  }

  public boolean isEmpty() {
    return entries.isEmpty();
  }

  /** One line per entry that holds no graph provider. */
  public List<String> warnings() {
    List<String> warnings = new ArrayList<>();
    for (Entry e : entries) {
      if (e.paths().stream().noneMatch(GraphClassPath::hasProvider)) {
        warnings.add(
            e.origin()
                + " entry '"
                + e.text()
                + "' holds no graph provider (no "
                + SERVICES
                + "); fine for a library, but its graphs, if any, are not loaded");
      }
    }
    return warnings;
  }

  /**
   * The class loaders of the entries not already on the JVM's class path: {@code libraries} over
   * those that hold no graph provider (shared, its parent {@code parent}), and one loader of its
   * own for each jar or folder that holds providers ({@code graphs}, each a child of {@code
   * libraries}): two versions of one graph, from two jars, never see each other's classes.
   */
  public record Loaders(ClassLoader libraries, List<ClassLoader> graphs) {}

  /** The {@link Loaders} of these entries over {@code parent}. */
  public Loaders classLoaders(ClassLoader parent) {
    Set<Path> onJvmClassPath = jvmClassPath();
    Set<Path> seen = new HashSet<>();
    List<URL> libraries = new ArrayList<>();
    List<Path> graphJars = new ArrayList<>();
    for (Entry e : entries) {
      for (Path p : e.paths()) {
        if (!onJvmClassPath.contains(p) && seen.add(p)) {
          if (hasProvider(p)) {
            graphJars.add(p);
          } else {
            libraries.add(url(p));
          }
        }
      }
    }
    ClassLoader shared =
        libraries.isEmpty()
            ? parent
            : new URLClassLoader("bramble-libraries", libraries.toArray(URL[]::new), parent);
    List<ClassLoader> graphs = new ArrayList<>();
    for (Path jar : graphJars) {
      graphs.add(
          new URLClassLoader("bramble-graphs " + jar.getFileName(), new URL[] {url(jar)}, shared));
    }
    return new Loaders(shared, List.copyOf(graphs));
  }

  private static Set<Path> jvmClassPath() {
    Set<Path> paths = new HashSet<>();
    for (String text : System.getProperty("java.class.path", "").split(File.pathSeparator)) {
      try {
        if (!text.isBlank()) {
          paths.addAll(expand("java.class.path", text));
        }
      } catch (IllegalArgumentException | UncheckedIOException missing) {
        // a class path entry the JVM itself ignores
      }
    }
    return paths;
  }

  private static boolean hasProvider(Path path) {
    if (Files.isDirectory(path)) {
      return Files.isRegularFile(path.resolve(SERVICES));
    }
    try (JarFile jar = new JarFile(path.toFile())) {
      return jar.getEntry(SERVICES) != null;
    } catch (IOException e) {
      return false;
    }
  }

  private static boolean isJar(Path p) {
    String name = p.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
    return Files.isRegularFile(p) && (name.endsWith(".jar") || name.endsWith(".zip"));
  }

  private static Path canonical(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }

  private static URL url(Path p) {
    try {
      return p.toUri().toURL();
    } catch (MalformedURLException e) {
      throw new IllegalArgumentException("cannot load " + p + ": " + e.getMessage(), e);
    }
  }
}
