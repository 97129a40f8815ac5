package org.apigw.fallback;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apigw.config.GatewayConfig;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * {@link ObjectStore} on one S3 bucket through the AWS SDK, over the JDK's HttpURLConnection (no
 * Netty of its own beside Vert.x's). With an {@code endpoint} it talks to an S3-compatible
 * server, addressed path-style ({@code http://host:port/bucket/key}).
 *
 * <p>Deadlines: connect {@value #CONNECT_SECONDS} s, read {@value #READ_SECONDS} s, each attempt
 * {@value #ATTEMPT_SECONDS} s and each call with its retries {@value #CALL_SECONDS} s. Thread-safe;
 * calls block the caller.
 */
public final class S3ObjectStore implements ObjectStore {

  static final int CONNECT_SECONDS = 3;
  static final int READ_SECONDS = 10;
  static final int ATTEMPT_SECONDS = 10;
  static final int CALL_SECONDS = 20;

  private final S3Client client;
  private final String bucket;

  private S3ObjectStore(S3Client client, String bucket) {
    this.client = client;
    this.bucket = bucket;
  }

  /** A client for {@code fallback_cp.aws_s3}; builds no connection yet. */
  public static S3ObjectStore create(GatewayConfig.AwsS3 s3) {
    S3ClientBuilder builder =
        S3Client.builder()
            .region(Region.of(s3.region()))
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(s3.accessKey(), s3.secretKey())))
            .httpClientBuilder(
                UrlConnectionHttpClient.builder()
                    .connectionTimeout(Duration.ofSeconds(CONNECT_SECONDS))
                    .socketTimeout(Duration.ofSeconds(READ_SECONDS)))
            .overrideConfiguration(
                ClientOverrideConfiguration.builder()
                    .apiCallAttemptTimeout(Duration.ofSeconds(ATTEMPT_SECONDS))
                    .apiCallTimeout(Duration.ofSeconds(CALL_SECONDS))
                    .build());
    if (s3.endpoint() != null) {
      builder.endpointOverride(URI.create(s3.endpoint())).forcePathStyle(true);
    }
    return new S3ObjectStore(builder.build(), s3.resourceBucket());
  }

  @Override
  public void put(String key, byte[] body) throws ObjectStoreException {
    try {
      client.putObject(
          b -> b.bucket(bucket).key(key).contentType("application/json"), RequestBody.fromBytes(body));
    } catch (SdkException e) {
      throw failure("PUT", key, e);
    }
  }

  @Override
  public byte[] get(String key) throws ObjectStoreException {
    try {
      return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
    } catch (NoSuchKeyException e) {
      throw new ObjectStoreException(describe(key) + ": no such object", true, e);
    } catch (SdkException e) {
      throw failure("GET", key, e);
    }
  }

  @Override
  public List<String> list(String prefix) throws ObjectStoreException {
    try {
      List<String> keys = new ArrayList<>();
      for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
        keys.add(o.key());
      }
      return keys;
    } catch (SdkException e) {
      throw failure("LIST", prefix, e);
    }
  }

  @Override
  public void delete(String key) throws ObjectStoreException {
    try {
      client.deleteObject(b -> b.bucket(bucket).key(key));
    } catch (SdkException e) {
      throw failure("DELETE", key, e);
    }
  }

  @Override
  public String describe(String key) {
    return "s3://" + bucket + "/" + key;
  }

  @Override
  public void close() {
    client.close();
  }

  private ObjectStoreException failure(String op, String key, SdkException e) {
    String reason = e.getMessage();
    if (e instanceof S3Exception s3 && s3.awsErrorDetails() != null) {
      reason = "HTTP " + s3.statusCode() + " " + s3.awsErrorDetails().errorCode() + ": "
          + s3.awsErrorDetails().errorMessage();
    }
    return new ObjectStoreException(op + " " + describe(key) + " failed: " + reason, false, e);
  }
}
