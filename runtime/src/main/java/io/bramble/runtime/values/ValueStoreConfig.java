package io.bramble.runtime.values;

/**
 * Where state values too large to travel in every record are kept, and from what size: {@code
 * kafka} (the default: the platform's compacted values topic, chunked under the broker's record
 * limit; nothing more to run) or {@code s3} (an S3-compatible bucket, for production). A value of
 * {@code thresholdBytes} or more is stored; one larger than {@code maxBytes} fails its step, naming
 * its key and size.
 */
public record ValueStoreConfig(String kind, long thresholdBytes, long maxBytes, S3 s3) {
  public static final String KAFKA = "kafka";
  public static final String S3_KIND = "s3";

  /** 16 KiB: a fan-out record of dozens of children stays far below the broker's 1 MiB. */
  public static final long DEFAULT_THRESHOLD_BYTES = 16 * 1024;

  public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

  /** An S3-compatible bucket: endpoint (empty: AWS), region, bucket, credentials. */
  public record S3(
      String endpoint,
      String region,
      String bucket,
      String accessKey,
      String secretKey,
      boolean pathStyle) {
    @Override
    public String toString() {
      return "S3[endpoint=" + endpoint + ", region=" + region + ", bucket=" + bucket + "]";
    }
  }

  public ValueStoreConfig {
    if (!KAFKA.equals(kind) && !S3_KIND.equals(kind)) {
      throw new IllegalArgumentException(
          "value store must be " + KAFKA + " or " + S3_KIND + ", got '" + kind + "'");
    }
    if (thresholdBytes < 1 || maxBytes < thresholdBytes) {
      throw new IllegalArgumentException(
          "value store sizes: need 1 <= threshold ("
              + thresholdBytes
              + ") <= max ("
              + maxBytes
              + ")");
    }
    if (S3_KIND.equals(kind) && (s3 == null || s3.bucket() == null || s3.bucket().isBlank())) {
      throw new IllegalArgumentException("the s3 value store needs a bucket");
    }
  }

  public static ValueStoreConfig defaults() {
    return new ValueStoreConfig(KAFKA, DEFAULT_THRESHOLD_BYTES, DEFAULT_MAX_BYTES, null);
  }

  public ValueStoreConfig withThresholdBytes(long bytes) {
    return new ValueStoreConfig(kind, bytes, Math.max(bytes, maxBytes), s3);
  }

  public ValueStoreConfig withMaxBytes(long bytes) {
    return new ValueStoreConfig(kind, thresholdBytes, bytes, s3);
  }

  public ValueStoreConfig withS3(S3 bucket) {
    return new ValueStoreConfig(S3_KIND, thresholdBytes, maxBytes, bucket);
  }
}
