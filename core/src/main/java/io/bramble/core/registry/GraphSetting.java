package io.bramble.core.registry;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A setting a graph reads for itself, such as a model's timeout: declared by its provider ({@link
 * GraphProvider#settings()}) so that Bramble's processes accept it beside their own, while still
 * refusing a misspelt setting of theirs. Key {@code myflow.delay.ms} is read from the environment
 * variable {@code BRAMBLE_MYFLOW_DELAY_MS}, else the system property {@code myflow.delay.ms} (the
 * launcher sets it from the key in its properties file; {@code -D} works too).
 */
public record GraphSetting(String key, String description) {
  public GraphSetting {
    Objects.requireNonNull(key, "key");
    if (!key.matches("[a-z][a-z0-9]*([.-][a-z0-9]+)*")) {
      throw new IllegalArgumentException(
          "graph setting key '" + key + "' must be lower-case words joined by '.' or '-'");
    }
  }

  /** {@code BRAMBLE_} and the key in upper case, {@code .} and {@code -} as {@code _}. */
  public String environmentVariable() {
    return "BRAMBLE_" + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The value: the environment variable, else the system property; empty when neither is set. */
  public Optional<String> value() {
    String env = System.getenv(environmentVariable());
    if (env != null && !env.isBlank()) {
      return Optional.of(env.strip());
    }
    return Optional.ofNullable(System.getProperty(key)).map(String::strip);
  }

  /** The value, or {@code fallback}. */
  public String value(String fallback) {
    return value().orElse(fallback);
  }
}
