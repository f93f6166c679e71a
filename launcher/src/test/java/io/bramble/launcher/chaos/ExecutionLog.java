package io.bramble.launcher.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The action executions every process recorded ({@link ExecutionRecorder}), read back after a run.
 */
final class ExecutionLog {
  /** One execution: which process ran which step of which app, and when it returned. */
  record Execution(long pid, String appId, long sequenceId, String action, long atMs) {
    Step step() {
      return new Step(appId, sequenceId, action);
    }
  }

  /** What makes an execution the same as another: the app, its sequence id and action. */
  record Step(String appId, long sequenceId, String action) {}

  /**
   * The first execution by another process of an app a killed process had started but not finished.
   */
  record Takeover(int unfinishedApps, Execution first, long afterMs) {}

  private final List<Execution> executions;

  private ExecutionLog(List<Execution> executions) {
    this.executions =
        executions.stream().sorted(Comparator.comparingLong(Execution::atMs)).toList();
  }

  /**
   * Reads every {@code exec-*.log} in {@code dir}; a torn last line (a kill mid-write) is skipped.
   */
  static ExecutionLog read(Path dir) {
    List<Execution> all = new ArrayList<>();
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.getFileName().toString().startsWith("exec-")).toList()) {
        for (String line : Files.readAllLines(file)) {
          String[] f = line.split(" ");
          if (f.length == 5) {
            try {
              all.add(
                  new Execution(
                      Long.parseLong(f[0]),
                      f[1],
                      Long.parseLong(f[2]),
                      f[3],
                      Long.parseLong(f[4])));
            } catch (NumberFormatException torn) {
              // a line cut short by kill -9
            }
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ExecutionLog(all);
  }

  List<Execution> all() {
    return executions;
  }

  List<Execution> of(String action) {
    return executions.stream().filter(e -> e.action().equals(action)).toList();
  }

  /** Apps whose {@code done} ran at least once. */
  Set<String> appsDone() {
    return of("done").stream().map(Execution::appId).collect(Collectors.toSet());
  }

  /**
   * Executions that repeated an earlier one of the same step (same app, sequence id and action), in
   * time order; the reduce (pseudo app "-") is left out, see {@link #of(String)}.
   */
  List<Execution> repeats() {
    Set<Step> seen = new HashSet<>();
    List<Execution> repeated = new ArrayList<>();
    for (Execution e : executions) {
      if (!e.appId().equals("-") && !seen.add(e.step())) {
        repeated.add(e);
      }
    }
    return repeated;
  }

  /** How many executions each process did. */
  Map<Long, Long> countByPid() {
    Map<Long, Long> counts = new HashMap<>();
    executions.forEach(e -> counts.merge(e.pid(), 1L, Long::sum));
    return counts;
  }

  /**
   * For a process killed at {@code killedAtMs}: the child apps it had run a step of whose {@code
   * done} nobody had recorded by then, and the first step another process ran for one of them after
   * the kill. Empty when the killed process had nothing unfinished or nobody took over.
   */
  Optional<Takeover> takeoverAfter(long killedPid, long killedAtMs) {
    Set<String> finished =
        executions.stream()
            .filter(e -> e.action().equals("done") && e.atMs() <= killedAtMs)
            .map(Execution::appId)
            .collect(Collectors.toSet());
    Set<String> unfinished =
        executions.stream()
            .filter(
                e -> e.pid() == killedPid && e.atMs() <= killedAtMs && e.action().equals("step"))
            .map(Execution::appId)
            .filter(app -> !finished.contains(app))
            .collect(Collectors.toSet());
    if (unfinished.isEmpty()) {
      return Optional.empty();
    }
    return executions.stream()
        .filter(
            e -> e.pid() != killedPid && e.atMs() >= killedAtMs && unfinished.contains(e.appId()))
        .findFirst()
        .map(e -> new Takeover(unfinished.size(), e, e.atMs() - killedAtMs));
  }
}
