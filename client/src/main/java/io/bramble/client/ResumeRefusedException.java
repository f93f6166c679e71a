package io.bramble.client;

/**
 * The coordinator refused a resume: the app is not halted (running, done or unknown), or the resume
 * names what the graph has not.
 */
public class ResumeRefusedException extends IllegalStateException {
  private final String appId;

  public ResumeRefusedException(String appId, String reason) {
    super(reason);
    this.appId = appId;
  }

  /** The app the resume named. */
  public String appId() {
    return appId;
  }
}
