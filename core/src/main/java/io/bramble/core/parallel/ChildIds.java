package io.bramble.core.parallel;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Child application ids: a hash of (parent app id, parent sequence id, child key). A rerun of the
 * same step finds the same children (and their checkpoints); the same parallel action reached again
 * later in a loop has another sequence id, so it gets fresh children.
 */
public final class ChildIds {
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private ChildIds() {}

  public static String of(String parentAppId, long parentSequenceId, String childKey) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the JDK", e);
    }
    // Length-prefixed parts, so ("ab", "c") and ("a", "bc") never collide.
    for (String part : new String[] {parentAppId, Long.toString(parentSequenceId), childKey}) {
      byte[] bytes = part.getBytes(StandardCharsets.UTF_8);
      sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
      sha.update((byte) ':');
      sha.update(bytes);
    }
    byte[] d = sha.digest();
    // Formatted like a UUID (128 bits of the digest) so ids look like the ones users choose.
    StringBuilder sb = new StringBuilder(36);
    for (int i = 0; i < 16; i++) {
      if (i == 4 || i == 6 || i == 8 || i == 10) {
        sb.append('-');
      }
      sb.append(HEX[(d[i] >> 4) & 0xf]).append(HEX[d[i] & 0xf]);
    }
    return sb.toString();
  }
}
