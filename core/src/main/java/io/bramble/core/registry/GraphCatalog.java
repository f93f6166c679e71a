package io.bramble.core.registry;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What loading the graph providers of a class loader found: every provider's graph, or why it could
 * not be had (its class did not load, its {@code graph()} threw, another provider claims the same
 * name), each named with the jar or folder it came from. {@link #registry()} is the registry of a
 * catalog without problems; {@code bramble graphs} shows a catalog as it is.
 */
public final class GraphCatalog {
  /** One provider: its graph ({@code entry}) or what went wrong ({@code problem}). */
  public record Found(String provider, String source, GraphRegistry.Entry entry, String problem) {
    public boolean loaded() {
      return entry != null && problem == null;
    }
  }

  private final List<Found> found;

  private GraphCatalog(List<Found> found) {
    this.found = List.copyOf(markDuplicates(found));
  }

  /** Every provider {@code loader} lists in {@code META-INF/services}. */
  public static GraphCatalog load(ClassLoader loader) {
    List<Found> found = new ArrayList<>();
    Iterator<GraphProvider> it = ServiceLoader.load(GraphProvider.class, loader).iterator();
    while (true) {
      GraphProvider provider;
      try {
        if (!it.hasNext()) {
          break;
        }
        provider = it.next();
      } catch (ServiceConfigurationError e) {
        // ServiceLoader goes on with the next provider after an error; this one is reported.
        found.add(
            new Found(
                providerNamedIn(e), "an unknown location", null, "did not load: " + causes(e)));
        continue;
      }
      found.add(entryOf(provider));
    }
    return new GraphCatalog(found);
  }

  /**
   * Every provider {@code base} lists, and those each of {@code jars} lists in its own {@code
   * META-INF/services} (each such loader holds one jar or folder of graphs, its classes its own).
   */
  public static GraphCatalog load(ClassLoader base, List<ClassLoader> jars) {
    List<Found> found = new ArrayList<>(load(base).found);
    for (ClassLoader jar : jars) {
      found.addAll(ownProviders(jar));
    }
    return new GraphCatalog(found);
  }

  /** The providers {@code loader} itself lists, not those of its parents. */
  private static List<Found> ownProviders(ClassLoader loader) {
    List<Found> found = new ArrayList<>();
    Enumeration<URL> lists;
    try {
      lists =
          loader instanceof URLClassLoader own
              ? own.findResources(SERVICES)
              : loader.getResources(SERVICES);
    } catch (IOException e) {
      return List.of(new Found("(unnamed)", loader.getName(), null, "did not load: " + causes(e)));
    }
    for (URL list : Collections.list(lists)) {
      for (String type : providerNames(list)) {
        try {
          Class<?> c = Class.forName(type, false, loader);
          found.add(
              entryOf(
                  (GraphProvider)
                      c.asSubclass(GraphProvider.class).getConstructor().newInstance()));
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
          found.add(new Found(type, list.toString(), null, "did not load: " + causes(e)));
        }
      }
    }
    return found;
  }

  /** The class names a services file lists (one per line, {@code #} comments). */
  private static List<String> providerNames(URL list) {
    try (InputStream in = list.openStream()) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8)
          .lines()
          .map(line -> line.replaceFirst("#.*", "").strip())
          .filter(line -> !line.isEmpty())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + list, e);
    }
  }

  private static final String SERVICES = "META-INF/services/" + GraphProvider.class.getName();

  /** A catalog of {@code providers} given directly (tests, embedding). */
  public static GraphCatalog of(List<GraphProvider> providers) {
    return new GraphCatalog(providers.stream().map(GraphCatalog::entryOf).toList());
  }

  private static Found entryOf(GraphProvider provider) {
    String type = provider.getClass().getName();
    String source = sourceOf(provider.getClass());
    try {
      return new Found(type, source, new GraphRegistry.Entry(provider), null);
    } catch (RuntimeException | LinkageError e) {
      return new Found(type, source, null, "could not build its graph: " + causes(e));
    }
  }

  /**
   * A second provider of a name and version already taken is a problem, naming both providers and
   * jars (versions of one name live side by side).
   */
  private static List<Found> markDuplicates(List<Found> found) {
    Map<String, Found> byNameAndVersion = new LinkedHashMap<>();
    List<Found> out = new ArrayList<>();
    for (Found f : found) {
      if (!f.loaded()) {
        out.add(f);
        continue;
      }
      Found first = byNameAndVersion.putIfAbsent(f.entry().name() + "\n" + f.entry().version(), f);
      if (first == null) {
        out.add(f);
      } else {
        out.add(
            new Found(
                f.provider(),
                f.source(),
                f.entry(),
                "claims graph '"
                    + f.entry().name()
                    + "' version "
                    + f.entry().version()
                    + ", which "
                    + first.provider()
                    + " (from "
                    + first.source()
                    + ") already provides"));
      }
    }
    return out;
  }

  /** Every provider found, in class-path order. */
  public List<Found> found() {
    return found;
  }

  /** One line per provider that could not be had, naming it, its jar and the reason. */
  public List<String> problems() {
    return found.stream()
        .filter(f -> f.problem() != null)
        .map(f -> "graph provider " + f.provider() + " (from " + f.source() + ") " + f.problem())
        .toList();
  }

  /**
   * The graphs by name; throws {@link GraphLoadException} listing every problem if there is one (a
   * process that cannot run every graph it is given must not start).
   */
  public GraphRegistry registry() {
    List<String> problems = problems();
    if (!problems.isEmpty()) {
      throw new GraphLoadException(problems);
    }
    return new GraphRegistry(found.stream().map(Found::entry).toList());
  }

  /** The graphs that did load, whatever the problems of the others. */
  public GraphRegistry loadedGraphs() {
    return new GraphRegistry(
        found.stream().filter(f -> f.problem() == null).map(Found::entry).toList());
  }

  private static String sourceOf(Class<?> type) {
    CodeSource code = type.getProtectionDomain().getCodeSource();
    if (code == null || code.getLocation() == null) {
      return "an unknown location";
    }
    try {
      return Path.of(code.getLocation().toURI()).toString();
    } catch (URISyntaxException | IllegalArgumentException e) {
      return code.getLocation().toString();
    }
  }

  /** The provider class ServiceLoader names in its message ("… Provider NAME could not …"). */
  private static String providerNamedIn(ServiceConfigurationError e) {
    Matcher m = PROVIDER_NAMED.matcher(String.valueOf(e.getMessage()));
    return m.find() ? m.group(1) : "(unnamed)";
  }

  private static final Pattern PROVIDER_NAMED = Pattern.compile("Provider ([\\w.$]+)");

  /** "X: m ← Y: n", outermost first. */
  private static String causes(Throwable e) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = e; t != null && parts.size() < 5; t = t.getCause()) {
      parts.add(
          t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage()));
    }
    return parts.stream().collect(Collectors.joining(" ← "));
  }
}
