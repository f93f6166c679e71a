package io.bramble.coordinator;

import io.bramble.schemas.avro.JobResult;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestOutputTopic;

/**
 * The job-results topic as a client reads it: the results the coordinator wrote and those the
 * workers that ended roots wrote themselves, in the order they were written.
 */
final class JobResultsTopic {
  /** A record of the topic, and who wrote it. */
  record Written(String key, JobResult value, boolean byWorker) {}

  private final TestOutputTopic<String, JobResult> byCoordinator;
  private final Deque<Written> written = new ArrayDeque<>();

  JobResultsTopic(TestOutputTopic<String, JobResult> byCoordinator) {
    this.byCoordinator = byCoordinator;
  }

  /** A job's result written by the worker that ended its root. */
  void writtenByWorker(JobResult result) {
    drain();
    written.add(new Written(result.getAppId(), result, true));
  }

  boolean isEmpty() {
    drain();
    return written.isEmpty();
  }

  JobResult readValue() {
    drain();
    Written next = written.poll();
    if (next == null) {
      throw new NoSuchElementException("no job result written");
    }
    return next.value();
  }

  List<Written> readWritten() {
    drain();
    List<Written> all = new ArrayList<>(written);
    written.clear();
    return all;
  }

  List<KeyValue<String, JobResult>> readKeyValuesToList() {
    return readWritten().stream().map(w -> KeyValue.pair(w.key(), w.value())).toList();
  }

  List<JobResult> readValuesToList() {
    return readWritten().stream().map(Written::value).toList();
  }

  private void drain() {
    byCoordinator
        .readKeyValuesToList()
        .forEach(kv -> written.add(new Written(kv.key, kv.value, false)));
  }
}
