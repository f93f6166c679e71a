package io.bramble.launcher.settings;

import io.bramble.runtime.ClusterConfig;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A client command's first look at its cluster. A producer pointed at no broker, or at one without
 * Bramble's topics, waits a minute and then names neither (measured: {@code submit} against a dev
 * cluster on other ports hung 62 s, then said {@code Topic bramble.jobs not present in metadata});
 * this says within seconds which address or topic it could not find, and which setting sets it.
 */
public final class ClusterReach {
  static final Duration TIMEOUT = Duration.ofSeconds(8);

  private ClusterReach() {}

  /**
   * Throws an error naming the address and the setting unless {@code cluster}'s jobs topic is
   * there.
   */
  public static void check(ClusterConfig cluster) {
    String servers = cluster.bootstrapServers();
    String jobs = cluster.topics().jobs();
    Map<String, Object> props = new HashMap<>(cluster.clientProps());
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
    Admin admin;
    try {
      admin = Admin.create(props);
    } catch (KafkaException e) {
      throw new IllegalStateException(
          "cannot use Kafka address '" + servers + "' (" + e.getMessage() + "); " + HOW, e);
    }
    try {
      admin
          .describeTopics(List.of(jobs))
          .allTopicNames()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        throw new IllegalStateException(
            "Kafka at "
                + servers
                + " has no topic "
                + jobs
                + ": no Bramble coordinator with topic prefix '"
                + cluster.topics().prefix()
                + "' has started there (set the prefix with --topic-prefix or"
                + " BRAMBLE_TOPIC_PREFIX)");
      }
      if (e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw unreachable(servers);
      }
      throw new IllegalStateException(
          "could not look up topic " + jobs + " at " + servers + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw unreachable(servers);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reaching Kafka at " + servers, e);
    } finally {
      admin.close(Duration.ZERO);
    }
  }

  private static final String HOW =
      "point at the cluster with --bootstrap-servers or BRAMBLE_BOOTSTRAP_SERVERS (bramble dev"
          + " prints its address)";

  private static IllegalStateException unreachable(String servers) {
    return new IllegalStateException(
        "cannot reach Kafka at " + servers + " within " + TIMEOUT.toSeconds() + " s; " + HOW);
  }
}
