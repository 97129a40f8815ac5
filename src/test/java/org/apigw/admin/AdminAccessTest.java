package org.apigw.admin;

import static org.apigw.admin.AdminFixture.ADMIN_KEY;
import static org.apigw.admin.AdminFixture.VIEWER_KEY;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.etcd.jetcd.Client;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import org.apigw.admin.AdminHttp.Resp;
import org.apigw.testing.EtcdExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** API keys, roles and the allow_admin client list. */
@Timeout(60)
class AdminAccessTest {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  private static final String ROUTE = "{\"uri\":\"/a\",\"upstream\":{\"nodes\":{\"127.0.0.1:80\":1}}}";

  private static Vertx vertx;
  private static Client etcd;
  private static AdminApi keyed;
  private static AdminApi keyNotRequired;
  private static AdminApi noKeys;
  private static AdminApi elsewhereOnly;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    etcd = Client.builder().endpoints(ETCD.etcd().endpoint()).build();
    Duration t = Duration.ofSeconds(5);
    List<String> local = List.of("127.0.0.0/24");
    keyed = AdminFixture.start(vertx, AdminFixture.settings(true, AdminFixture.standardKeys(), local), etcd, t);
    keyNotRequired =
        AdminFixture.start(vertx, AdminFixture.settings(false, AdminFixture.standardKeys(), local), etcd, t);
    noKeys = AdminFixture.start(vertx, AdminFixture.settings(true, List.of(), local), etcd, t);
    elsewhereOnly =
        AdminFixture.start(
            vertx, AdminFixture.settings(false, List.of(), List.of("10.0.0.0/8", "192.168.0.0/16")), etcd, t);
  }

  @AfterAll
  static void stop() {
    for (AdminApi api : List.of(keyed, keyNotRequired, noKeys, elsewhereOnly)) {
      AdminFixture.await(api.close());
    }
    etcd.close();
    AdminFixture.await(vertx.close());
  }

  private static AdminHttp http(AdminApi api) {
    return new AdminHttp(api.actualPort());
  }

  @Test
  void missingKey_is401MissingApikey() {
    Resp r = http(keyed).get("/apisix/admin/routes");

    assertEquals(401, r.status());
    assertEquals("{\"error_msg\":\"failed to check token\",\"description\":\"missing apikey\"}", r.raw());
  }

  @Test
  void wrongKey_is401WrongApikey_andNothingIsWritten() {
    Resp r = http(keyed).put("/apisix/admin/routes/w", ROUTE, "X-API-KEY", "nope");

    assertEquals(401, r.status());
    assertEquals("wrong apikey", r.json().path("description").asText());
    assertNull(AdminFixture.raw(etcd, "/apisix/routes/w"));
  }

  @Test
  void adminKey_isAcceptedFromHeaderQueryOrCookie() {
    AdminHttp http = http(keyed);

    assertEquals(201, http.put("/apisix/admin/routes/h", ROUTE, "X-API-KEY", ADMIN_KEY).status());
    assertEquals(201, http.put("/apisix/admin/routes/q?api_key=" + ADMIN_KEY, ROUTE).status());
    assertEquals(201, http.put("/apisix/admin/routes/c", ROUTE, "Cookie", "x_api_key=" + ADMIN_KEY).status());
  }

  @Test
  void viewer_mayGet_butNotWrite() {
    AdminHttp http = http(keyed);
    http.put("/apisix/admin/routes/v", ROUTE, "X-API-KEY", ADMIN_KEY);

    Resp get = http.get("/apisix/admin/routes/v", "X-API-KEY", VIEWER_KEY);
    Resp put = http.put("/apisix/admin/routes/v", ROUTE, "X-API-KEY", VIEWER_KEY);
    Resp del = http.delete("/apisix/admin/routes/v", "X-API-KEY", VIEWER_KEY);

    assertEquals(200, get.status(), get.raw());
    assertEquals(401, put.status());
    assertEquals("invalid method for role viewer", put.json().path("description").asText());
    assertEquals(401, del.status());
  }

  @Test
  void keyNotRequired_orNoKeysConfigured_skipsTheCheck() {
    assertEquals(200, http(keyNotRequired).get("/apisix/admin/routes").status());
    assertEquals(200, http(noKeys).get("/apisix/admin/routes").status());
  }

  @Test
  void clientOutsideAllowAdmin_is403_evenWithoutAuth() {
    Resp r = http(elsewhereOnly).get("/apisix/admin/routes");

    assertEquals(403, r.status());
  }

  @Test
  void headOnAdminRoot_needsNoKey() {
    assertEquals(200, http(keyed).send("HEAD", "/apisix/admin", null).status());
  }
}
