package io.bramble.schemas.registry;

/**
 * HTTP 422: the registry refuses the request as invalid (42201 invalid schema, 42203 invalid
 * compatibility level, ...).
 */
public class InvalidSchemaException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  public static final int INVALID_SCHEMA = 42201;
  public static final int INVALID_COMPATIBILITY_LEVEL = 42203;

  public InvalidSchemaException(String message, int errorCode) {
    super(message, 422, errorCode);
  }
}
