package io.bramble.schemas.registry;

/**
 * HTTP 404: an unknown schema id, subject or version (see {@link #errorCode()}: 40403, 40401,
 * 40402).
 */
public class SchemaNotFoundException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  public static final int SUBJECT_NOT_FOUND = 40401;
  public static final int VERSION_NOT_FOUND = 40402;
  public static final int SCHEMA_NOT_FOUND = 40403;

  public SchemaNotFoundException(String message, int errorCode) {
    super(message, 404, errorCode);
  }
}
