package io.bramble.runtime.values;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.bramble.schemas.StoredValue;
import io.bramble.schemas.avro.StoredRef;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/** The S3 value store against a real S3-compatible server (S3Proxy), in this JVM. */
class S3ValueStoreTest extends ValueStoreContract {
  private static final String BUCKET = "bramble-values";
  private static S3ProxyJunitCore s3;

  @BeforeAll
  static void start() throws Exception {
    s3 =
        new S3ProxyJunitCore.Builder()
            .withCredentials(AuthenticationType.AWS_V2_OR_V4, "access", "secret")
            .build();
    s3.beforeEach();
    try (S3Client client =
        S3Client.builder()
            .endpointOverride(s3.getUri())
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
            .build()) {
      client.createBucket(b -> b.bucket(BUCKET));
    }
  }

  @AfterAll
  static void stop() {
    if (s3 != null) {
      s3.afterEach();
    }
  }

  /** The store's settings for the server started here. */
  static ValueStoreConfig.S3 bucket() {
    return new ValueStoreConfig.S3(
        s3.getUri().toString(), "us-east-1", BUCKET, "access", "secret", true);
  }

  @Override
  ValueStore store() {
    return new S3ValueStore(bucket());
  }

  @Override
  void assertDeleted(StoredRef ref) {
    try (ValueStore other = store()) {
      assertThatThrownBy(() -> new StoredValue(ref, other).value())
          .hasMessageContaining("is gone from bucket " + BUCKET);
    }
  }
}
