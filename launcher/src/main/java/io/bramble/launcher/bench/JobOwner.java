package io.bramble.launcher.bench;

import io.bramble.runtime.GroupMembers;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Which coordinator instance joins a job's children now: the member of the coordinator's group
 * assigned the partition of the jobs topic that the job's app id falls in (its fan-outs and results
 * are keyed alike). A member is told from another by the Kafka Streams process id in its client id,
 * which each instance keeps in its state directory: how a test or a bench finds the process to
 * kill.
 */
public final class JobOwner {
  private static final Pattern PROCESS_ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f-]{27}");

  private JobOwner() {}

  /** The client id of the member joining {@code appId}'s children, if one is assigned it. */
  public static Optional<String> memberOf(
      Admin admin, String applicationId, String jobsTopic, int partitions, String appId)
      throws Exception {
    TopicPartition tp =
        new TopicPartition(
            jobsTopic,
            Utils.toPositive(Utils.murmur2(appId.getBytes(StandardCharsets.UTF_8))) % partitions);
    return members(admin, applicationId).stream()
        .filter(m -> m.assignment().topicPartitions().contains(tp))
        .map(MemberDescription::clientId)
        .findFirst();
  }

  /** The members of the coordinator's group. */
  public static List<MemberDescription> members(Admin admin, String applicationId)
      throws Exception {
    return GroupMembers.of(admin, applicationId);
  }

  /** The process id Kafka Streams keeps in the state directory {@code stateDir}. */
  public static String processId(Path stateDir, String applicationId) throws IOException {
    String metadata =
        Files.readString(stateDir.resolve(applicationId).resolve("kafka-streams-process-metadata"));
    Matcher m = PROCESS_ID.matcher(metadata);
    if (!m.find()) {
      throw new IllegalStateException("no process id in " + stateDir + ": " + metadata);
    }
    return m.group();
  }
}
