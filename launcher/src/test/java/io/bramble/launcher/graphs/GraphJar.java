package io.bramble.launcher.graphs;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * A graph jar as a user builds one outside Bramble's tree: Java sources compiled here (against this
 * JVM's class path), packed with a services file naming its providers (or none).
 */
final class GraphJar {
  static final String SERVICES = "META-INF/services/io.bramble.core.registry.GraphProvider";

  /**
   * The provider of the README's "Write your own graph" guide, as the README has it: split a text,
   * shout every word in a child application, with a setting of its own.
   */
  static final String MYFLOW = guideSource();

  private static String guideSource() {
    String readme;
    try {
      readme = Files.readString(Path.of("..", "README.md"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int start = readme.indexOf("```java\npackage com.example.myflow;");
    if (start < 0) {
      throw new IllegalStateException(
          "README.md has no guide provider (package com.example.myflow)");
    }
    start += "```java\n".length();
    return readme.substring(start, readme.indexOf("```", start));
  }

  private GraphJar() {}

  /**
   * Compiles {@code sources} (class name → source) against this JVM's class path into {@code jar};
   * the services file lists {@code providers} (none: no services file).
   */
  static Path build(Path jar, Map<String, String> sources, List<String> providers) {
    try {
      Path work = Files.createTempDirectory(jar.getParent(), "src");
      List<String> args = new ArrayList<>();
      args.addAll(
          List.of(
              "-d",
              work.resolve("classes").toString(),
              "-cp",
              System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")),
              "--release",
              "17"));
      for (Map.Entry<String, String> s : sources.entrySet()) {
        Path file = work.resolve("src").resolve(s.getKey().replace('.', '/') + ".java");
        Files.createDirectories(file.getParent());
        Files.writeString(file, s.getValue());
        args.add(file.toString());
      }
      JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
      ByteArrayOutputStream errors = new ByteArrayOutputStream();
      int rc =
          javac.run(null, OutputStream.nullOutputStream(), errors, args.toArray(String[]::new));
      if (rc != 0) {
        throw new IllegalStateException(
            "the graph sources do not compile:\n" + errors.toString(StandardCharsets.UTF_8));
      }
      try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
        addClasses(out, work.resolve("classes"));
        if (!providers.isEmpty()) {
          out.putNextEntry(new JarEntry(SERVICES));
          out.write((String.join("\n", providers) + "\n").getBytes(StandardCharsets.UTF_8));
          out.closeEntry();
        }
      }
      return jar;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Adds every file under {@code classes} to {@code out}, at its path below it. */
  static void addClasses(JarOutputStream out, Path classes) throws IOException {
    try (Stream<Path> files = Files.walk(classes)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        out.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
        out.write(Files.readAllBytes(f));
        out.closeEntry();
      }
    }
  }

  /** The myflow graph's jar. */
  static Path myflow(Path dir) {
    return build(
        dir.resolve("myflow.jar"),
        Map.of("com.example.myflow.MyFlowProvider", MYFLOW),
        List.of("com.example.myflow.MyFlowProvider"));
  }
}
