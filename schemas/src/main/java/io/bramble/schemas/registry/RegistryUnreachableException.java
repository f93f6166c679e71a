package io.bramble.schemas.registry;

/**
 * The registry gave no HTTP answer (connection refused, timeout, TLS failure, ...), after retries.
 */
public class RegistryUnreachableException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  private final String url;

  public RegistryUnreachableException(String url, String message, Throwable cause) {
    super(message, cause);
    this.url = url;
  }

  /** The URL that could not be reached. */
  public String url() {
    return url;
  }
}
