package io.bramble.client;

/**
 * The coordinator refused to migrate a job: no job has that app id (a migration names the id the
 * job was submitted with), or the job has ended; the message says which, naming its status.
 */
public class MigrateRefusedException extends IllegalStateException {
  private final String appId;

  public MigrateRefusedException(String appId, String reason) {
    super(reason);
    this.appId = appId;
  }

  /** The app the migration named. */
  public String appId() {
    return appId;
  }
}
