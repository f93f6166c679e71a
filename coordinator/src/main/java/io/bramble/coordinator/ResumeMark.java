package io.bramble.coordinator;

/**
 * What {@link StoreNames#RESUMES} keeps of the last resume accepted for an app: its request id and
 * the step it resumed at, as one string ({@code requestId@sequenceId}).
 */
record ResumeMark(String requestId, long sequenceId) {
  String encode() {
    return requestId + "@" + sequenceId;
  }

  /** The mark {@code encoded} (from {@link #encode}), or null for null. */
  static ResumeMark decode(String encoded) {
    if (encoded == null) {
      return null;
    }
    int at = encoded.lastIndexOf('@');
    return new ResumeMark(encoded.substring(0, at), Long.parseLong(encoded.substring(at + 1)));
  }
}
