package io.bramble.schemas.registry;

/**
 * A schema-registry call failed. Subclasses name the common cases: {@link
 * RegistryUnreachableException} (no HTTP answer, after retries), {@link
 * IncompatibleSchemaException} (409), {@link SchemaNotFoundException} (404), {@link
 * InvalidSchemaException} (422). Anything else (401, 403, 5xx after retries, ...) is this class
 * itself, with {@link #httpStatus()} and {@link #errorCode()} telling what the registry said.
 */
public class SchemaRegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Used for {@link #httpStatus()} and {@link #errorCode()} when there is none. */
  public static final int NONE = -1;

  private final int httpStatus;
  private final int errorCode;

  public SchemaRegistryException(String message, int httpStatus, int errorCode, Throwable cause) {
    super(message, cause);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  public SchemaRegistryException(String message, int httpStatus, int errorCode) {
    this(message, httpStatus, errorCode, null);
  }

  public SchemaRegistryException(String message, Throwable cause) {
    this(message, NONE, NONE, cause);
  }

  /** The HTTP status the registry answered with, or {@link #NONE}. */
  public int httpStatus() {
    return httpStatus;
  }

  /**
   * The Confluent error code from the response body ({@code {"error_code":40401,...}}), e.g. 40401
   * subject not found, 40402 version not found, 40403 schema not found, 409 incompatible, 42201
   * invalid schema; or {@link #NONE}.
   */
  public int errorCode() {
    return errorCode;
  }
}
