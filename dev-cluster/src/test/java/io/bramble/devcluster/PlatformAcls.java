package io.bramble.devcluster;

import io.bramble.runtime.Topics;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;

/**
 * The ACLs Bramble's processes need, as the README's "Security" table lists them: the platform user
 * (coordinator, workers, topic set-up, the embedded registry) and a submitting client.
 */
final class PlatformAcls {
  private PlatformAcls() {}

  /**
   * What the coordinator (Kafka Streams, exactly-once v2, application id {@code
   * <prefix>coordinator}), the workers (groups prefixed {@code workerGroup}), {@code TopicSetup}
   * and, when {@code schemasTopic} is not null, the embedded schema registry need.
   */
  static List<AclBinding> platform(
      String user, Topics topics, String workerGroup, String schemasTopic) {
    String applicationId = topics.prefix() + "coordinator";
    List<AclBinding> acls = new ArrayList<>();
    // Bramble's topics, and the coordinator's internal changelog/repartition topics
    // (<application id>-…); the second pattern is already covered when the application id starts
    // with the topic prefix, as it does in `bramble coordinator`.
    for (String prefix : List.of(topics.prefix(), applicationId)) {
      for (AclOperation op :
          List.of(
              AclOperation.READ,
              AclOperation.WRITE,
              AclOperation.DESCRIBE,
              AclOperation.CREATE,
              AclOperation.DESCRIBE_CONFIGS)) {
        acls.add(allow(user, ResourceType.TOPIC, prefix, PatternType.PREFIXED, op));
      }
    }
    acls.add(
        allow(user, ResourceType.GROUP, applicationId, PatternType.LITERAL, AclOperation.READ));
    // Prefixed: every pool's group (<prefix>workers.<pool>) too.
    acls.add(allow(user, ResourceType.GROUP, workerGroup, PatternType.PREFIXED, AclOperation.READ));
    // exactly-once: the Streams producers' transactional ids are <application id>-<process
    // id>-<thread>
    // (WRITE implies DESCRIBE; both are listed as Kafka's docs list them)
    acls.add(
        allow(
            user,
            ResourceType.TRANSACTIONAL_ID,
            applicationId,
            PatternType.PREFIXED,
            AclOperation.WRITE));
    acls.add(
        allow(
            user,
            ResourceType.TRANSACTIONAL_ID,
            applicationId,
            PatternType.PREFIXED,
            AclOperation.DESCRIBE));
    // idempotent producers (workers, registry): brokers since 3.0 accept WRITE on any topic instead
    // (KIP-679; measured: the test passes without it), older ones need this
    acls.add(
        allow(
            user,
            ResourceType.CLUSTER,
            "kafka-cluster",
            PatternType.LITERAL,
            AclOperation.IDEMPOTENT_WRITE));
    if (schemasTopic != null) {
      for (AclOperation op :
          List.of(
              AclOperation.READ, AclOperation.WRITE, AclOperation.DESCRIBE, AclOperation.CREATE)) {
        acls.add(allow(user, ResourceType.TOPIC, schemasTopic, PatternType.LITERAL, op));
      }
    }
    return acls;
  }

  /**
   * What {@code JobClient} (`bramble submit --wait`, `bramble watch`) needs: it reads by assign(),
   * with no group.
   */
  static List<AclBinding> client(String user, Topics topics) {
    return List.of(
        allow(user, ResourceType.TOPIC, topics.jobs(), PatternType.LITERAL, AclOperation.WRITE),
        allow(
            user, ResourceType.TOPIC, topics.jobResults(), PatternType.LITERAL, AclOperation.READ),
        allow(user, ResourceType.TOPIC, topics.events(), PatternType.LITERAL, AclOperation.READ));
  }

  static AclBinding allow(
      String user, ResourceType type, String name, PatternType pattern, AclOperation op) {
    return new AclBinding(
        new ResourcePattern(type, name, pattern),
        new AccessControlEntry("User:" + user, "*", op, AclPermissionType.ALLOW));
  }
}
