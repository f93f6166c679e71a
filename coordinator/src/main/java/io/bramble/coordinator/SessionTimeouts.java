package io.bramble.coordinator;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.config.ConfigResource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session timeout a coordinator instance can have: the one asked for, unless the brokers refuse
 * it ({@code group.min.session.timeout.ms}, 6 s unless lowered), in which case their minimum, said
 * at INFO. Brokers that cannot be asked (a missing DescribeConfigs permission) are taken to have
 * Kafka's default.
 */
final class SessionTimeouts {
  private static final Logger log = LoggerFactory.getLogger(SessionTimeouts.class);
  static final String BROKER_MINIMUM = "group.min.session.timeout.ms";
  static final Duration KAFKA_DEFAULT_MINIMUM = Duration.ofSeconds(6);

  private SessionTimeouts() {}

  static Duration effective(Admin admin, Duration requested) {
    Duration minimum = brokerMinimum(admin);
    if (requested.compareTo(minimum) >= 0) {
      return requested;
    }
    log.info(
        "the brokers accept no session timeout below {} ms ({}): the coordinator takes {} ms"
            + " instead of {} ms, so a failover takes that much longer",
        minimum.toMillis(),
        BROKER_MINIMUM,
        minimum.toMillis(),
        requested.toMillis());
    return minimum;
  }

  private static Duration brokerMinimum(Admin admin) {
    try {
      Collection<Node> nodes = admin.describeCluster().nodes().get(10, TimeUnit.SECONDS);
      if (nodes.isEmpty()) {
        return KAFKA_DEFAULT_MINIMUM;
      }
      ConfigResource broker =
          new ConfigResource(ConfigResource.Type.BROKER, nodes.iterator().next().idString());
      Config config =
          admin.describeConfigs(List.of(broker)).all().get(10, TimeUnit.SECONDS).get(broker);
      ConfigEntry entry = config.get(BROKER_MINIMUM);
      return entry == null || entry.value() == null
          ? KAFKA_DEFAULT_MINIMUM
          : Duration.ofMillis(Long.parseLong(entry.value()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return KAFKA_DEFAULT_MINIMUM;
    } catch (Exception e) {
      log.info(
          "could not read the brokers' {} ({}); taking Kafka's default, {} ms",
          BROKER_MINIMUM,
          e.toString(),
          KAFKA_DEFAULT_MINIMUM.toMillis());
      return KAFKA_DEFAULT_MINIMUM;
    }
  }
}
