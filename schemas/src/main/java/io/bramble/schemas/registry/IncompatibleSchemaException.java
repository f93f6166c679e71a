package io.bramble.schemas.registry;

/** HTTP 409: the subject's compatibility level refuses the schema. */
public class IncompatibleSchemaException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  private final String subject;

  public IncompatibleSchemaException(String subject, String message, int errorCode) {
    super(message, 409, errorCode);
    this.subject = subject;
  }

  public String subject() {
    return subject;
  }
}
