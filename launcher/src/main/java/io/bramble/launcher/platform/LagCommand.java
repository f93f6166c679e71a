package io.bramble.launcher.platform;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.bramble.coordinator.CoordinatorConfig;
import io.bramble.launcher.LauncherContext;
import io.bramble.launcher.settings.ClusterOptions;
import io.bramble.runtime.Backlog;
import io.bramble.runtime.ClusterConfig;
import io.bramble.runtime.GroupMembers;
import io.bramble.runtime.TopicReader;
import io.bramble.runtime.Topics;
import io.bramble.runtime.WorkerGroups;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code bramble lag}: the work waiting, per consumer group and topic: each pool's workers on its
 * tasks topic and on its version lanes, the coordinator on the topics it joins. Records are
 * counted, not offsets, so it reads 0 when nothing waits (see {@link Backlog}).
 */
@Command(
    name = "lag",
    mixinStandardHelpOptions = true,
    description = {
      "The work waiting per group and topic: each pool's workers, the coordinator.",
      "Records not yet taken are counted (transaction markers are not): 0 when nothing waits."
    })
public final class LagCommand implements Callable<Integer> {
  private final LauncherContext context;

  @Mixin ClusterOptions cluster;

  @Option(names = "--json", description = "One JSON object instead of a table.")
  boolean json;

  @Option(
      names = "--timeout",
      defaultValue = "PT10S",
      paramLabel = "DURATION",
      description = "How long to read one partition's gap (default: ${DEFAULT-VALUE}).")
  Duration timeout;

  /** One group on one topic. */
  record Row(String group, String topic, long waiting, int members) {}

  public LagCommand(LauncherContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    ClusterConfig config = cluster.reach(context, Topics::tasks);
    Topics topics = config.topics();
    Map<String, Object> readerProps = TopicReader.readerProps(config.clientProps());
    readerProps.put(ConsumerConfig.CLIENT_ID_CONFIG, "bramble-lag");
    List<Row> rows = new ArrayList<>();
    try (Admin admin = Admin.create(config.clientProps());
        KafkaConsumer<byte[], byte[]> reader =
            new KafkaConsumer<>(
                readerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      TreeSet<String> pools = new TreeSet<>();
      TreeSet<String> lanes = new TreeSet<>();
      for (String topic : admin.listTopics().names().get()) {
        if (topics.poolOf(topic) != null) {
          pools.add(topics.poolOf(topic));
        } else if (topics.laneOf(topic) != null) {
          lanes.add(topic);
        }
      }
      for (String pool : pools) {
        rows.add(row(admin, reader, WorkerGroups.of(topics, pool), topics.tasks(pool)));
      }
      for (String lane : lanes) {
        rows.add(row(admin, reader, WorkerGroups.of(topics, topics.laneOf(lane).pool()), lane));
      }
      String coordinator = CoordinatorConfig.applicationId(topics);
      for (String topic :
          List.of(topics.jobs(), topics.fanouts(), topics.results(), topics.cancellations())) {
        rows.add(row(admin, reader, coordinator, topic));
      }
    }
    if (json) {
      ObjectMapper mapper = new ObjectMapper();
      ObjectNode out = mapper.createObjectNode();
      ArrayNode groups = out.putArray("groups");
      rows.forEach(
          r ->
              groups
                  .addObject()
                  .put("group", r.group())
                  .put("topic", r.topic())
                  .put("waiting", r.waiting())
                  .put("members", r.members()));
      context.out().println(mapper.writeValueAsString(out));
    } else {
      String format = "%-32s %-32s %8s %8s%n";
      context.out().printf(format, "GROUP", "TOPIC", "WAITING", "MEMBERS");
      rows.forEach(
          r -> context.out().printf(format, r.group(), r.topic(), r.waiting(), r.members()));
    }
    return 0;
  }

  private Row row(Admin admin, KafkaConsumer<?, ?> reader, String group, String topic)
      throws InterruptedException, ExecutionException {
    long waiting =
        Backlog.waiting(
            Backlog.of(admin, reader, group, TopicReader.partitionsOf(reader, topic), timeout));
    return new Row(group, topic, waiting, GroupMembers.count(admin, group));
  }
}
