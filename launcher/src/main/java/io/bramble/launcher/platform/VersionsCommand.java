package io.bramble.launcher.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bramble.core.registry.GraphVersions;
import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.settings.ClusterOptions;
import io.bramble.runtime.Backlog;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.Topics;
import io.bramble.runtime.WorkerGroups;
import io.bramble.schemas.avro.Checkpoint;
import io.bramble.schemas.avro.CheckpointStatus;
import io.bramble.schemas.serde.AvroSerde;
import io.bramble.schemas.serde.BrambleSerdes;
import java.time.Duration;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bramble versions}: what each graph version has in flight on the cluster: the jobs and apps
 * that have checkpoints of it (running, halted, or failed and so retryable, all of which resume on
 * that version), and the tasks waiting in its lanes for a worker that has it. A version at 0
 * everywhere is needed by nothing any more: it can leave the workers.
 */
@Command(
    name = "versions",
    mixinStandardHelpOptions = true,
    description = {
      "What each graph version has in flight: jobs and apps with checkpoints of it (running,"
          + " halted, or failed and retryable), and tasks waiting for a worker that has it.",
      "A version at 0 everywhere can be removed from the workers."
    })
public final class VersionsCommand implements Callable<Integer> {
  /** How rows name what checkpoints written before they recorded their version ran. */
  static final String UNKNOWN = "(unrecorded)";

  private final LauncherContext context;

  @Mixin ClusterOptions cluster;

  @Option(names = "--json", description = "One JSON object instead of a table.")
  boolean json;

  @Option(
      names = "--timeout",
      defaultValue = "PT30S",
      paramLabel = "DURATION",
      description = "How long to read the checkpoints topic (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  /** One graph version: its jobs and apps with checkpoints, its tasks waiting in lanes. */
  static final class Row {
    final Set<String> jobs = new HashSet<>();
    long apps;
    long waiting;
  }

  public VersionsCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    ClusterConfig config = cluster.reach(context, Topics::checkpoints);
    Topics topics = config.topics();
    Map<String, Map<String, Row>> rows = new TreeMap<>();
    AvroSerde<Checkpoint> serde = BrambleSerdes.forType(Checkpoint.class, config.schemaRegistry());
    Map<String, byte[]> latest = new HashMap<>();
    for (ConsumerRecord<String, byte[]> r :
        TopicReader.readAll(config, topics.checkpoints(), timeout)) {
      if (r.value() == null) {
        latest.remove(r.key());
      } else {
        latest.put(r.key(), r.value());
      }
    }
    for (byte[] value : latest.values()) {
      Checkpoint c = serde.deserialize(topics.checkpoints(), value);
      if (c.getStatus() == CheckpointStatus.CANCELLED) {
        continue;
      }
      Row row = row(rows, c.getGraph(), c.getGraphVersion());
      row.apps++;
      row.jobs.add(c.getRootAppId() != null ? c.getRootAppId() : c.getAppId());
    }
    Map<String, Object> readerProps = TopicReader.readerProps(config.clientProps());
    readerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "bramble-versions");
    try (Admin admin = Admin.create(config.clientProps());
        KafkaConsumer<byte[], byte[]> reader =
            new KafkaConsumer<>(
                readerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      for (String topic : admin.listTopics().names().get()) {
        Topics.Lane lane = topics.laneOf(topic);
        if (lane != null) {
          row(rows, lane.graph(), lane.version()).waiting +=
              Backlog.waiting(
                  Backlog.of(
                      admin,
                      reader,
                      WorkerGroups.of(topics, lane.pool()),
                      TopicReader.partitionsOf(reader, topic),
                      timeout));
        }
      }
    }
    print(rows);
    return 0;
  }

  private static Row row(Map<String, Map<String, Row>> rows, String graph, String version) {
    return rows.computeIfAbsent(graph == null ? UNKNOWN : graph, g -> new TreeMap<>(versionOrder()))
        .computeIfAbsent(version == null ? UNKNOWN : version, v -> new Row());
  }

  private static Comparator<String> versionOrder() {
    return (a, b) ->
        a.equals(UNKNOWN) || b.equals(UNKNOWN)
            ? Boolean.compare(!a.equals(UNKNOWN), !b.equals(UNKNOWN))
            : GraphVersions.ORDER.compare(a, b);
  }

  private void print(Map<String, Map<String, Row>> rows) throws Exception {
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode out = mapper.createObjectNode();
      ArrayNode versions = out.putArray("versions");
      rows.forEach(
          (graph, byVersion) ->
              byVersion.forEach(
                  (version, r) ->
                      versions
                          .addObject()
                          .put("graph", graph)
                          .put("version", version)
                          .put("jobs", r.jobs.size())
                          .put("apps", r.apps)
                          .put("waiting", r.waiting)));
      context.out().println(mapper.writeValueAsString(out));
      return;
    }
    if (rows.isEmpty()) {
      context.out().println("nothing in flight: no checkpoint, no task waiting for a version");
      return;
    }
    String format = "%-24s %-12s %8s %8s %8s%n";
    context.out().printf(format, "GRAPH", "VERSION", "JOBS", "APPS", "WAITING");
    rows.forEach(
        (graph, byVersion) ->
            byVersion.forEach(
                (version, r) ->
                    context
                        .out()
                        .printf(format, graph, version, r.jobs.size(), r.apps, r.waiting)));
  }
}
