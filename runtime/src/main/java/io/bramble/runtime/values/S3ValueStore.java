package io.bramble.runtime.values;

import io.bramble.schemas.avro.StoredRef;
import java.net.URI;
import java.util.Collection;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Large state values in an S3-compatible bucket (AWS S3, MinIO, Ceph, …): one object per value,
 * named by its key ({@code <root app id>/<sha256>}), so a job's values share a prefix.
 */
public final class S3ValueStore extends CachingValueStore {
  private final S3Client s3;
  private final String bucket;

  public S3ValueStore(ValueStoreConfig.S3 config) {
    super(ValueStoreConfig.S3_KIND);
    AwsCredentialsProvider credentials =
        config.accessKey() == null || config.accessKey().isBlank()
            ? DefaultCredentialsProvider.builder().build()
            : StaticCredentialsProvider.create(
                AwsBasicCredentials.create(config.accessKey(), config.secretKey()));
    var builder =
        S3Client.builder()
            .httpClient(UrlConnectionHttpClient.create())
            .region(Region.of(config.region() == null ? "us-east-1" : config.region()))
            .credentialsProvider(credentials)
            // S3-compatible stores (MinIO, Ceph, …) do not all take the SDK's default checksums
            .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
            .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
            .serviceConfiguration(
                S3Configuration.builder().pathStyleAccessEnabled(config.pathStyle()).build());
    if (config.endpoint() != null && !config.endpoint().isBlank()) {
      builder.endpointOverride(URI.create(config.endpoint()));
    }
    this.s3 = builder.build();
    this.bucket = config.bucket();
  }

  @Override
  String write(String key, byte[] bytes) {
    s3.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(bytes));
    return "s3://" + bucket + "/" + key;
  }

  @Override
  byte[] read(StoredRef ref) {
    try {
      return s3.getObjectAsBytes(b -> b.bucket(bucket).key(ref.getKey())).asByteArray();
    } catch (NoSuchKeyException e) {
      throw new IllegalStateException(
          "the stored value "
              + ref.getKey()
              + " is gone from bucket "
              + bucket
              + ": it was deleted with its job's other values",
          e);
    }
  }

  /**
   * One request per value: DeleteObjects needs a checksum header not every S3-compatible store
   * takes, and a job keeps few values.
   */
  @Override
  public void delete(Collection<StoredRef> refs) {
    for (StoredRef ref : refs) {
      checkKind(ref);
      s3.deleteObject(b -> b.bucket(bucket).key(ref.getKey()));
    }
  }

  @Override
  public void close() {
    s3.close();
  }
}
