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
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * A client command's first look at its cluster. A producer pointed at no broker, or at one without
 * Bramble's topics, waits a minute and then names neither (measured: {@code submit} against a dev
 * cluster on other ports hung 62 s, then said {@code Topic bramble.jobs not present in metadata});
 * this says within seconds which address or topic it could not find, and which setting sets it.
 */
public final class ClusterReach {
  static final Duration TIMEOUT = Duration.ofSeconds(8);

  private static final String HOW =
      "point at the cluster with --bootstrap-servers or BRAMBLE_BOOTSTRAP_SERVERS (bramble dev"
          + " prints its address)";

  private ClusterReach() {}

  /**
   * Throws an error naming the address and the setting unless {@code topic} of {@code cluster} (one
   * the command uses: submit writes jobs, watch reads events) is there.
   */
  public static void check(ClusterConfig cluster, String topic) {
    String servers = cluster.bootstrapServers();
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
          .describeTopics(List.of(topic))
          .allTopicNames()
          .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof UnknownTopicOrPartitionException) {
        throw new IllegalStateException(
            "Kafka at "
                + servers
                + " has no topic "
                + topic
                + ": no Bramble coordinator with topic prefix '"
                + cluster.topics().prefix()
                + "' has started there (set the prefix with --topic-prefix or"
                + " BRAMBLE_TOPIC_PREFIX)");
      }
      if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
        throw unreachable(servers);
      }
      if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
        throw new IllegalStateException(
            "Kafka at "
                + servers
                + " refused this client ("
                + cause.getMessage()
                + "); give its credentials with --client-property or --config"
                + " (security.protocol, sasl.*, ssl.*)",
            cause);
      }
      throw new IllegalStateException(
          "could not look up topic " + topic + " at " + servers + ": " + cause.getMessage(), cause);
    } catch (TimeoutException e) {
      throw unreachable(servers);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reaching Kafka at " + servers, e);
    } finally {
      admin.close(Duration.ZERO);
    }
  }

  private static IllegalStateException unreachable(String servers) {
    return new IllegalStateException(
        "cannot reach Kafka at "
            + servers
            + " within "
            + TIMEOUT.toSeconds()
            + " s; "
            + HOW
            + "; a cluster that wants TLS or SASL also needs security.protocol (--client-property"
            + " or --config)");
  }
}
