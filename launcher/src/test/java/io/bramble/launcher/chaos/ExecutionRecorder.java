package io.bramble.launcher.chaos;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Appends one line per successful action execution, {@code <pid> <appId> <sequenceId> <action>
 * <epochMillis>}, to {@code exec-<pid>.log} in the directory named by the environment variable
 * {@value #ENV}; does nothing when it is not set (so the graph also runs untouched in the test
 * JVM). One file per process and one {@code write} per line: a line is either in the page cache or
 * not written at all when the process is killed with {@code kill -9}.
 */
final class ExecutionRecorder {
  static final String ENV = "CHAOS_EXECUTION_LOG";
  private static final long PID = ProcessHandle.current().pid();
  private static final FileChannel CHANNEL = open(System.getenv(ENV));

  private ExecutionRecorder() {}

  static void record(String appId, long sequenceId, String action) {
    if (CHANNEL == null) {
      return;
    }
    String line =
        PID
            + " "
            + appId
            + " "
            + sequenceId
            + " "
            + action
            + " "
            + System.currentTimeMillis()
            + "\n";
    ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
    synchronized (CHANNEL) {
      try {
        while (bytes.hasRemaining()) {
          CHANNEL.write(bytes);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static FileChannel open(String dir) {
    if (dir == null || dir.isBlank()) {
      return null;
    }
    try {
      Path file = Files.createDirectories(Path.of(dir)).resolve("exec-" + PID + ".log");
      return FileChannel.open(
          file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the execution log in " + dir, e);
    }
  }
}
