package io.bramble.devcluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.bramble.runtime.values.ValueStoreConfig;
import org.gaul.s3proxy.AuthenticationType;
import org.gaul.s3proxy.junit.S3ProxyJunitCore;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/** Large values in an S3-compatible bucket: a real server (S3Proxy) in this JVM. */
class LargeValuesS3Test extends LargeValuesContract {
  private static final String BUCKET = "bramble-values";
  private S3ProxyJunitCore server;
  private S3Client s3;

  @Override
  DevCluster.Settings settings() {
    server =
        new S3ProxyJunitCore.Builder()
            .withCredentials(AuthenticationType.AWS_V2_OR_V4, "access", "secret")
            .build();
    try {
      server.beforeEach();
    } catch (Exception e) {
      throw new IllegalStateException("cannot start S3Proxy", e);
    }
    s3 =
        S3Client.builder()
            .endpointOverride(server.getUri())
            .region(Region.US_EAST_1)
            .forcePathStyle(true)
            .credentialsProvider(
                StaticCredentialsProvider.create(AwsBasicCredentials.create("access", "secret")))
            .build();
    s3.createBucket(b -> b.bucket(BUCKET));
    return DevCluster.Settings.defaults()
        .withValues(
            ValueStoreConfig.defaults()
                .withMaxBytes(MAX_BYTES)
                .withS3(
                    new ValueStoreConfig.S3(
                        server.getUri().toString(),
                        "us-east-1",
                        BUCKET,
                        "access",
                        "secret",
                        true)));
  }

  @Override
  @AfterAll
  void stop() {
    super.stop();
    if (s3 != null) {
      s3.close();
    }
    if (server != null) {
      server.afterEach();
    }
  }

  @Override
  long storedBytes(String prefix) {
    return s3.listObjectsV2Paginator(b -> b.bucket(BUCKET).prefix(prefix)).contents().stream()
        .mapToLong(S3Object::size)
        .sum();
  }

  @Override
  void assertRemoved(String key) {
    await()
        .atMost(WAIT)
        .untilAsserted(
            () ->
                assertThatThrownBy(() -> s3.headObject(b -> b.bucket(BUCKET).key(key)))
                    .isInstanceOf(S3Exception.class));
    assertThat(storedBytes(key)).isZero();
  }
}
