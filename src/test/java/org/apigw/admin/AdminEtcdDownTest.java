package org.apigw.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.Client;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.apigw.admin.AdminHttp.Resp;
import org.apigw.testing.FreePorts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** With etcd unreachable, calls end at the deadline with a 503, and the event loop stays free. */
@Timeout(60)
class AdminEtcdDownTest {

  private static Vertx vertx;
  private static Client deadEtcd;
  private static AdminApi api;
  private static AdminHttp http;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    deadEtcd = Client.builder().endpoints("http://127.0.0.1:" + FreePorts.next()).build();
    api = AdminFixture.start(vertx, AdminFixture.openSettings(), deadEtcd, Duration.ofMillis(1500));
    http = new AdminHttp(api.actualPort());
  }

  @AfterAll
  static void stop() {
    AdminFixture.await(api.close());
    deadEtcd.close();
    AdminFixture.await(vertx.close());
  }

  @Test
  void get_whenEtcdUnreachable_is503EtcdUnavailable() {
    Resp r = http.get("/apisix/admin/routes/1");

    assertEquals(503, r.status(), r.raw());
    assertTrue(r.errorMsg().startsWith("etcd unavailable: "), r.errorMsg());
  }

  @Test
  void put_whenEtcdUnreachable_is503EtcdUnavailable() {
    Resp r = http.put("/apisix/admin/routes/1", "{\"uri\":\"/a\",\"upstream\":{\"nodes\":{\"127.0.0.1:80\":1}}}");

    assertEquals(503, r.status(), r.raw());
    assertTrue(r.errorMsg().startsWith("etcd unavailable: "), r.errorMsg());
  }

  @Test
  void pendingEtcdCall_doesNotBlockOtherRequests() {
    CompletableFuture<Resp> pending = http.sendAsync("GET", "/apisix/admin/routes", null);

    Resp head = http.send("HEAD", "/apisix/admin", null);

    assertEquals(200, head.status());
    assertFalse(pending.isDone(), "the etcd call should still be waiting for its deadline");
    assertEquals(503, pending.join().status());
  }
}
