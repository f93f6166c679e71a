package io.bramble.launcher.settings;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The keys a properties file may hold besides Bramble's own: every config of Kafka's producer,
 * consumer, admin client and Streams (also with the Streams prefixes such as {@code producer.}),
 * and the schema registry client's {@code basic.auth.user.info}.
 */
public final class ClientConfigKeys {
  /** Keys the schema-registry client reads. */
  public static final Set<String> REGISTRY_KEYS = Set.of("basic.auth.user.info");

  private static final List<String> STREAMS_PREFIXES =
      List.of(
          StreamsConfig.MAIN_CONSUMER_PREFIX,
          StreamsConfig.RESTORE_CONSUMER_PREFIX,
          StreamsConfig.GLOBAL_CONSUMER_PREFIX,
          StreamsConfig.CONSUMER_PREFIX,
          StreamsConfig.PRODUCER_PREFIX,
          StreamsConfig.ADMIN_CLIENT_PREFIX);

  private static final Set<String> CLIENT_KEYS = clientKeys();
  private static final Set<String> TOPIC_KEYS = topicKeys();

  private ClientConfigKeys() {}

  /** True when {@code key} is a config some Kafka client or the registry client understands. */
  public static boolean isKnown(String key) {
    if (CLIENT_KEYS.contains(key) || REGISTRY_KEYS.contains(key)) {
      return true;
    }
    for (String prefix : STREAMS_PREFIXES) {
      if (key.startsWith(prefix) && CLIENT_KEYS.contains(key.substring(prefix.length()))) {
        return true;
      }
    }
    return key.startsWith(StreamsConfig.TOPIC_PREFIX)
        && TOPIC_KEYS.contains(key.substring(StreamsConfig.TOPIC_PREFIX.length()));
  }

  /** Every unprefixed key, for suggestions. */
  static Set<String> all() {
    Set<String> all = new TreeSet<>(CLIENT_KEYS);
    all.addAll(REGISTRY_KEYS);
    return all;
  }

  private static Set<String> clientKeys() {
    Set<String> keys = new TreeSet<>();
    keys.addAll(ProducerConfig.configNames());
    keys.addAll(ConsumerConfig.configNames());
    keys.addAll(AdminClientConfig.configNames());
    keys.addAll(StreamsConfig.configDef().names());
    return keys;
  }

  private static Set<String> topicKeys() {
    Set<String> keys = new TreeSet<>();
    for (Field f : TopicConfig.class.getFields()) {
      if (Modifier.isStatic(f.getModifiers())
          && f.getType() == String.class
          && f.getName().endsWith("_CONFIG")) {
        try {
          keys.add((String) f.get(null));
        } catch (IllegalAccessException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    return keys;
  }
}
