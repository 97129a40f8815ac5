package org.apigw.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apigw.config.GatewayConfig;
import org.apigw.testing.EtcdProcess;
import org.apigw.testing.TestCertificates;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** deployment.etcd.tls against an etcd that requires client certificates. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class EtcdClientsTlsTest {

  private static TestCertificates certs;
  private static EtcdProcess etcd;

  @BeforeAll
  static void startTlsEtcd() {
    certs = TestCertificates.create();
    etcd = EtcdProcess.start(certs);
  }

  @AfterAll
  static void stop() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void clientCertificate_andCa_fromConfig_giveAWorkingMtlsClient() throws Exception {
    GatewayConfig.Tls tls =
        new GatewayConfig.Tls(certs.clientCert().toString(), certs.clientKey().toString(), certs.caCert().toString(), true, null);
    try (Client client = EtcdClients.create(etcdConfig(tls), true)) {
      ByteSequence key = ByteSequence.from("/apisix/routes/tls", StandardCharsets.UTF_8);
      client.getKVClient().put(key, ByteSequence.from("{}", StandardCharsets.UTF_8)).get(10, TimeUnit.SECONDS);
      assertEquals(1, client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getCount());
    }
  }

  @Test
  void theAdminApisClient_onTheGatewaysEventLoop_speaksMtlsToo() throws Exception {
    GatewayConfig.Tls tls =
        new GatewayConfig.Tls(certs.clientCert().toString(), certs.clientKey().toString(), certs.caCert().toString(), true, null);
    Vertx vertx = Vertx.vertx();
    try (Client client = EtcdClients.createOnEventLoop(etcdConfig(tls), vertx)) {
      ByteSequence key = ByteSequence.from("/apisix/routes/tls-admin", StandardCharsets.UTF_8);
      CompletableFuture<String> thread = new CompletableFuture<>();
      vertx.runOnContext(
          v ->
              client.getKVClient()
                  .put(key, ByteSequence.from("{}", StandardCharsets.UTF_8))
                  .whenComplete((r, e) -> thread.complete(Thread.currentThread().getName())));
      // completed on the event loop that started the call: no hand-over to another thread
      assertTrue(thread.get(10, TimeUnit.SECONDS).startsWith("vert.x-eventloop-thread-"), thread.get());
      assertEquals(1, client.getKVClient().get(key).get(10, TimeUnit.SECONDS).getCount());
    } finally {
      vertx.close();
    }
  }

  @Test
  void withoutAClientCertificate_theCallFails_insteadOfFallingBackToPlaintext() {
    GatewayConfig.Tls tls = new GatewayConfig.Tls(null, null, certs.caCert().toString(), true, null);
    try (Client client = EtcdClients.create(etcdConfig(tls), true)) {
      ByteSequence key = ByteSequence.from("/apisix/routes/tls", StandardCharsets.UTF_8);
      Exception e =
          assertThrows(Exception.class, () -> client.getKVClient().get(key).get(5, TimeUnit.SECONDS));
      assertTrue(
          e instanceof ExecutionException || e instanceof TimeoutException, e.toString());
    }
  }

  private static GatewayConfig.Etcd etcdConfig(GatewayConfig.Tls tls) {
    return new GatewayConfig.Etcd(List.of(etcd.endpoint()), "/apisix", 5, 5, 1, null, null, tls);
  }
}
