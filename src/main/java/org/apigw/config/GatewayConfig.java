package org.apigw.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The node configuration: {@code conf/config-default.yaml} deep-merged with the user's
 * {@code conf/config.yaml}, validated, and read into typed records. Key names follow APISIX 3.x.
 *
 * <p>Built by {@link ConfigLoader}. A key reset with {@code null} in the user file reads as
 * absent: booleans false (except {@code tls.verify}, which stays true), lists empty, optional
 * strings null.
 *
 * @param file the user config file this was loaded from
 * @param tree the merged document, for keys without a typed accessor; treat as read-only
 * @param plugins the {@code plugins:} list as written (names this build lacks are warned about)
 * @param pluginAttr {@code plugin_attr}: plugin name → node-level settings
 */
public record GatewayConfig(
    Path file,
    JsonNode tree,
    Apisix apisix,
    Deployment deployment,
    List<String> plugins,
    Map<String, JsonNode> pluginAttr) {

  /** An address to listen on; {@code ip} is {@code 0.0.0.0} when the config gives only a port. */
  public record Listen(String ip, int port) {}

  /**
   * @param nodeListen {@code apisix.node_listen}
   * @param routerHttp {@code apisix.router.http}
   * @param control {@code apisix.control.ip/port}; null when {@code enable_control} is false
   * @param logLevel {@code nginx_config.error_log_level} mapped to an SLF4J level name: debug,
   *     info (info, notice), warn, error (error, crit, alert, emerg)
   */
  public record Apisix(
      List<Listen> nodeListen,
      String routerHttp,
      boolean enableAdmin,
      boolean enableControl,
      Listen control,
      boolean enableServerTokens,
      boolean deleteUriTailSlash,
      String logLevel,
      DataEncryption dataEncryption) {}

  /**
   * {@code apisix.data_encryption}: how plugin fields marked encrypted are stored in etcd.
   *
   * @param keyring 16 or 32 characters each; the first encrypts, all are tried to decrypt
   */
  public record DataEncryption(boolean enableEncryptFields, List<String> keyring) {}

  /**
   * @param role traditional, control_plane or data_plane
   * @param configProvider {@code role_<role>.config_provider}: etcd (or yaml for data_plane)
   * @param fallbackCp null when {@code fallback_cp.aws_s3.resource_bucket} is not set
   */
  public record Deployment(
      String role,
      String configProvider,
      Admin admin,
      Etcd etcd,
      ConfigSnapshot configSnapshot,
      FallbackCp fallbackCp) {}

  /**
   * {@code deployment.admin}.
   *
   * @param adminListen null when the node serves no Admin API (data_plane, or enable_admin false)
   *     and the key was reset
   * @param adminKeys an empty key never matches; admin-role empty keys are filled at start by
   *     {@link AdminKeyInitializer}
   * @param allowAdmin CIDRs or single addresses; {@code allow_admin: ~} (no restriction, as in
   *     APISIX) reads as {@code [0.0.0.0/0, ::/0]}
   */
  public record Admin(
      Listen adminListen,
      List<AdminKey> adminKeys,
      boolean adminKeyRequired,
      List<String> allowAdmin,
      String adminApiVersion) {}

  /** One entry of {@code deployment.admin.admin_key}; role is admin or viewer. */
  public record AdminKey(String name, String key, String role) {}

  /**
   * {@code deployment.etcd}. Durations are seconds.
   *
   * @param startupTimeout how long start-up waits for etcd before serving the local snapshot
   */
  public record Etcd(
      List<String> hosts,
      String prefix,
      int timeout,
      int startupTimeout,
      int resyncDelay,
      String user,
      String password,
      Tls tls) {}

  /** {@code deployment.etcd.tls}: client certificate and key (mTLS), CA, verification, SNI. */
  public record Tls(String cert, String key, String caCert, boolean verify, String sni) {}

  /**
   * {@code deployment.config_snapshot}: where the applied config is mirrored on disk.
   *
   * @param path relative paths resolve against the gateway's prefix directory
   * @param minIntervalMs coalescing window: at most one write per interval under bursts
   */
  public record ConfigSnapshot(boolean enable, String path, long minIntervalMs) {}

  /**
   * {@code deployment.fallback_cp}: a copy of the config in S3-compatible object storage. A
   * control plane dumps the etcd prefix to it on {@code cron_spec}'s schedule; a data plane that
   * reaches neither etcd nor a usable local snapshot at start serves it.
   *
   * @param cronSpec when to dump, e.g. {@code @every 1m} (API7's default)
   */
  public record FallbackCp(AwsS3 awsS3, org.apigw.fallback.CronSpec cronSpec) {}

  /**
   * {@code deployment.fallback_cp.aws_s3}.
   *
   * @param endpoint null for AWS S3; otherwise an S3-compatible server, addressed path-style
   */
  public record AwsS3(
      String accessKey, String secretKey, String region, String resourceBucket, String endpoint) {
    /** Never prints the secret key. */
    @Override
    public String toString() {
      return "AwsS3[accessKey=" + accessKey + ", secretKey=***, region=" + region
          + ", resourceBucket=" + resourceBucket + ", endpoint=" + endpoint + "]";
    }
  }
}
