package io.bramble.client;

/**
 * The coordinator refused to cancel a job: no job has that app id (a cancel names the id the job
 * was submitted with), or the job has ended; the message says which, naming its status.
 */
public class CancelRefusedException extends IllegalStateException {
  private final String appId;

  public CancelRefusedException(String appId, String reason) {
    super(reason);
    this.appId = appId;
  }

  /** The app the cancel named. */
  public String appId() {
    return appId;
  }
}
