package lib;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apigw.testing.Deadline;
import org.apigw.testing.FreePorts;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * A real S3-compatible server: s3proxy's jar run as a separate process ({@code java -jar}, never
 * on the test classpath, where its protobuf 4 would clash with grpc's) with the filesystem
 * backend in a temporary directory, on a free loopback port, with AWS v2/v4 authentication.
 * Stopped by pid on {@link #close()}.
 *
 * <p>The jar is the one Maven copies to {@code target/s3proxy/s3proxy.jar} (system property
 * {@code apigw.s3proxy.jar}, set by failsafe).
 */
public final class S3Proxy implements AutoCloseable {

  public static final String ACCESS_KEY = "gw-access";
  public static final String SECRET_KEY = "gw-secret-0123456789";
  public static final String REGION = "us-east-1";

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final Path dir;
  private final int port;
  private final Process process;
  private final S3Client client;

  private S3Proxy(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
    this.client =
        S3Client.builder()
            .region(Region.of(REGION))
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
            .httpClientBuilder(UrlConnectionHttpClient.builder())
            .endpointOverride(URI.create(endpoint()))
            .forcePathStyle(true)
            .build();
  }

  /** Starts the server and waits until it answers HTTP. */
  public static S3Proxy start() {
    Path jar = jar();
    try {
      Path dir = Files.createTempDirectory("apigw-s3-");
      Path data = Files.createDirectories(dir.resolve("data"));
      int port = FreePorts.next();
      Path props = dir.resolve("s3proxy.properties");
      Files.writeString(
          props,
          String.join(
              "\n",
              "s3proxy.endpoint=http://127.0.0.1:" + port,
              "s3proxy.authorization=aws-v2-or-v4",
              "s3proxy.identity=" + ACCESS_KEY,
              "s3proxy.credential=" + SECRET_KEY,
              "jclouds.provider=filesystem",
              "jclouds.filesystem.basedir=" + data,
              ""));
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process p =
          new ProcessBuilder(java, "-Xmx256m", "-XX:+UseSerialGC", "-jar", jar.toString(), "--properties", props.toString())
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve("s3proxy.log").toFile())
              .start();
      S3Proxy s3 = new S3Proxy(dir, port, p);
      try {
        Deadline.await(READY_TIMEOUT, "s3proxy on port " + port, s3::answers);
      } catch (AssertionError e) {
        String log = s3.log();
        s3.close();
        throw new AssertionError(e.getMessage() + "\n--- s3proxy.log ---\n" + log, e);
      }
      return s3;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start s3proxy", e);
    }
  }

  private static Path jar() {
    String prop = System.getProperty("apigw.s3proxy.jar");
    Path jar =
        prop != null && !prop.isEmpty()
            ? Path.of(prop)
            : GatewayProcess.home().resolve("target/s3proxy/s3proxy.jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " missing: run `mvn process-test-resources` (it copies s3proxy there)");
    }
    return jar;
  }

  private boolean answers() {
    if (!process.isAlive()) {
      throw new AssertionError("s3proxy exited with " + process.exitValue() + "\n" + log());
    }
    try {
      HttpResponse<Void> r =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(endpoint() + "/")).timeout(Duration.ofSeconds(2)).build(),
                  HttpResponse.BodyHandlers.discarding());
      return r.statusCode() > 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  public long pid() {
    return process.pid();
  }

  /** A client for inspecting and tampering with what the gateway wrote. */
  public S3Client client() {
    return client;
  }

  public void createBucket(String bucket) {
    client.createBucket(b -> b.bucket(bucket));
  }

  public byte[] get(String bucket, String key) {
    return client.getObjectAsBytes(b -> b.bucket(bucket).key(key)).asByteArray();
  }

  public void put(String bucket, String key, byte[] body) {
    client.putObject(b -> b.bucket(bucket).key(key), RequestBody.fromBytes(body));
  }

  public List<String> keys(String bucket, String prefix) {
    List<String> keys = new ArrayList<>();
    for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(prefix)).contents()) {
      keys.add(o.key());
    }
    return keys;
  }

  /** The YAML of a {@code deployment.fallback_cp} section pointing at this server. */
  public String fallbackYaml(String bucket, String cronSpec) {
    return "deployment:\n  fallback_cp:\n    aws_s3:\n"
        + "      access_key: " + ACCESS_KEY + "\n"
        + "      secret_key: " + SECRET_KEY + "\n"
        + "      region: " + REGION + "\n"
        + "      resource_bucket: " + bucket + "\n"
        + "      endpoint: " + endpoint() + "\n"
        + "    cron_spec: '" + cronSpec + "'\n";
  }

  public String log() {
    try {
      Path log = dir.resolve("s3proxy.log");
      return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read log: " + e + ")";
    }
  }

  @Override
  public void close() {
    client.close();
    ProcessHandle.of(process.pid()).ifPresent(h -> {
      h.destroy();
      try {
        h.onExit().get(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        h.destroyForcibly();
      }
    });
    try (var walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
