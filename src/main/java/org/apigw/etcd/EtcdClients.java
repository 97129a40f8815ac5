package org.apigw.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.vertx.core.Vertx;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.apigw.config.GatewayConfig;

/** Builds the jetcd client from {@code deployment.etcd}. */
public final class EtcdClients {

  /**
   * grpc-java raises any keepalive below 10 s to 10 s; 10 s + 5 s detects a stalled peer in about
   * 15 s where the 30 s + 10 s default missed a 20 s SIGSTOP entirely (stack-probe).
   */
  private static final Duration KEEPALIVE_TIME = Duration.ofSeconds(10);

  private static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(5);

  /** Large prefixes are paginated, but one page of big values must still fit. */
  private static final int MAX_INBOUND_BYTES = 64 * 1024 * 1024;

  private EtcdClients() {}

  /**
   * @param waitForReady false for the config sync loop: a call on a channel that cannot connect
   *     fails at once, and the loop's own backoff and probing decide when to try again
   */
  public static Client create(GatewayConfig.Etcd etcd, boolean waitForReady) {
    return builder(etcd, waitForReady).build();
  }

  /**
   * The Admin API's client, on the gateway's own Vert.x instance: a call started on an event
   * loop does its gRPC I/O and completes on that event loop, with no thread in between. The
   * default client hands each call over four times (jetcd's executor, grpc-netty's event loop,
   * grpc's callback pool, back to Vert.x); measured with the proxy saturating its core, an Admin
   * API read of one key took 7-8 ms at p50 where etcd itself answered in 1 ms, and a route PUT
   * 17-19 ms. Same transport (grpc-netty) and settings as {@link #create}, so TLS, keepalive and
   * deadlines behave alike.
   *
   * <p>jetcd closes the Vert.x instance it was given when the client is closed: close this
   * client last, just before closing Vert.x itself.
   */
  public static Client createOnEventLoop(GatewayConfig.Etcd etcd, Vertx vertx) {
    return builder(etcd, true).vertx(vertx).executorService(new InlineExecutor()).build();
  }

  private static ClientBuilder builder(GatewayConfig.Etcd etcd, boolean waitForReady) {
    ClientBuilder builder =
        Client.builder()
            .waitForReady(waitForReady)
            // without waiting for ready, the caller owns retries; jetcd's own (3 attempts with
            // growing delays) would stretch one failed read to ~10 s
            .retryMaxAttempts(waitForReady ? 2 : 0)
            .endpoints(etcd.hosts().toArray(String[]::new))
            .keepaliveTime(KEEPALIVE_TIME)
            .keepaliveTimeout(KEEPALIVE_TIMEOUT)
            .keepaliveWithoutCalls(true)
            .connectTimeout(Duration.ofSeconds(Math.max(1, Math.min(etcd.timeout(), 5))))
            .maxInboundMessageSize(MAX_INBOUND_BYTES);
    if (etcd.user() != null && !etcd.user().isEmpty()) {
      builder
          .user(ByteSequence.from(etcd.user(), StandardCharsets.UTF_8))
          .password(ByteSequence.from(etcd.password() == null ? "" : etcd.password(), StandardCharsets.UTF_8));
    }
    GatewayConfig.Tls tls = etcd.tls();
    boolean https = etcd.hosts().stream().anyMatch(h -> h.startsWith("https://"));
    if (https || (tls != null && tls.cert() != null)) {
      configureTls(builder, tls);
    }
    return builder;
  }

  /** host:port of each {@code deployment.etcd.host} URL, for reachability probes. */
  public static List<InetSocketAddress> addresses(GatewayConfig.Etcd etcd) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String host : etcd.hosts()) {
      URI uri = URI.create(host);
      int port = uri.getPort() > 0 ? uri.getPort() : 2379;
      addresses.add(InetSocketAddress.createUnresolved(uri.getHost(), port));
    }
    return addresses;
  }

  private static void configureTls(ClientBuilder builder, GatewayConfig.Tls tls) {
    try {
      builder.sslContext(
          ssl -> {
            if (tls != null && tls.cert() != null && tls.key() != null) {
              ssl.keyManager(new File(tls.cert()), new File(tls.key()));
            }
            if (tls != null && !tls.verify()) {
              ssl.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (tls != null && tls.caCert() != null) {
              ssl.trustManager(new File(tls.caCert()));
            }
          });
    } catch (SSLException e) {
      throw new IllegalArgumentException(
          "deployment->etcd->tls: cannot build the TLS context: " + e.getMessage(), e);
    }
    if (tls != null && tls.sni() != null && !tls.sni().isEmpty()) {
      builder.authority(tls.sni());
    }
  }
}
