package org.apigw.plugins.limitcount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apigw.plugin.FakeContext;
import org.apigw.plugin.Json;
import org.apigw.plugin.PhaseResult;
import org.apigw.plugin.PluginConfigException;
import org.apigw.plugin.PluginState;
import org.apigw.plugin.Plugins;
import org.apigw.plugins.BuiltinPlugins;
import org.apigw.plugins.limit.redis.RedisSettings;
import org.junit.jupiter.api.Test;

class LimitCountTest {

  private static final long SECOND = 1_000_000_000L;

  /** A clock the test moves by hand. */
  private static final class Clock implements Ticker {
    long now = 42 * SECOND;

    @Override
    public long read() {
      return now;
    }

    void advance(double seconds) {
      now += (long) (seconds * SECOND);
    }
  }

  static JsonNode json(String s) {
    try {
      return Json.MAPPER.readTree(s.replace('\'', '"'));
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  static int status(PhaseResult r) {
    return ((PhaseResult.Respond) r).status();
  }

  /* ---- fixed window ---- */

  @Test
  void window_allowsCount_thenRefuses_untilItEnds() {
    Clock clock = new Clock();
    FixedWindow w = new FixedWindow(3, Duration.ofSeconds(60), 100, clock);
    assertEquals(Quota.allowed(3, 2, 60), w.take("a"));
    assertEquals(Quota.allowed(3, 1, 60), w.take("a"));
    clock.advance(0.5);
    assertEquals(Quota.allowed(3, 0, 60), w.take("a"), "59.5 s left rounds up");
    assertEquals(Quota.rejected(3, 60), w.take("a"));
    clock.advance(30);
    assertEquals(Quota.rejected(3, 30), w.take("a"));
    clock.advance(29.5);
    assertEquals(Quota.allowed(3, 2, 60), w.take("a"), "a new window opens at the old one's end");
  }

  @Test
  void window_keysAreIndependent() {
    FixedWindow w = new FixedWindow(1, Duration.ofSeconds(60), 100, new Clock());
    assertTrue(w.take("a").allowed());
    assertFalse(w.take("a").allowed());
    assertTrue(w.take("b").allowed());
  }

  @Test
  void window_refusedRequests_doNotConsumeTheNextWindow() {
    Clock clock = new Clock();
    FixedWindow w = new FixedWindow(2, Duration.ofSeconds(10), 100, clock);
    w.take("a");
    w.take("a");
    for (int i = 0; i < 10; i++) {
      assertFalse(w.take("a").allowed());
    }
    clock.advance(10);
    assertEquals(Quota.allowed(2, 1, 10), w.take("a"));
  }

  @Test
  void quotaSeconds_roundUp_neverZero() {
    assertEquals(1, Quota.seconds(1));
    assertEquals(1, Quota.seconds(SECOND));
    assertEquals(2, Quota.seconds(SECOND + 1));
    assertEquals(1, Quota.seconds(0));
  }

  /* ---- the plugin ---- */

  @Test
  void access_setsQuotaHeaders_thenRefusesWithHeadersAndMessage() {
    LimitCountPlugin p = new LimitCountPlugin(new Clock());
    LimitCountConfig conf =
        p.decode(json("{'count':2,'time_window':60,'group':'g-headers','rejected_code':429,'rejected_msg':'too many'}"));
    FakeContext first = new FakeContext();
    assertSame(PhaseResult.CONTINUE, p.access(conf, first));
    assertEquals("2", first.responseHeader("X-RateLimit-Limit"));
    assertEquals("1", first.responseHeader("X-RateLimit-Remaining"));
    assertEquals("60", first.responseHeader("X-RateLimit-Reset"));
    p.access(conf, new FakeContext());
    PhaseResult.Respond r = (PhaseResult.Respond) p.access(conf, new FakeContext());
    assertEquals(429, r.status());
    assertEquals("{\"error_msg\":\"too many\"}", r.body().toString());
    assertEquals("0", r.headers().get("X-RateLimit-Remaining"));
    assertEquals("2", r.headers().get("X-RateLimit-Limit"));
    assertEquals("60", r.headers().get("X-RateLimit-Reset"));
    assertEquals("application/json", r.headers().get("Content-Type"));
  }

  @Test
  void access_withoutQuotaHeaders_returnsThePreparedRejection() {
    LimitCountPlugin p = new LimitCountPlugin(new Clock());
    LimitCountConfig conf = p.decode(json("{'count':1,'time_window':60,'group':'g-quiet','show_limit_quota_header':false}"));
    FakeContext ctx = new FakeContext();
    assertSame(PhaseResult.CONTINUE, p.access(conf, ctx));
    assertNull(ctx.responseHeader("X-RateLimit-Remaining"));
    PhaseResult r = p.access(conf, new FakeContext());
    assertSame(conf.rejection(), r);
    assertEquals(503, conf.rejection().status());
    assertNull(conf.rejection().body(), "no rejected_msg: the gateway's own 503 page");
  }

  @Test
  void access_countsPerKeyValue_withRemoteAddrFallback() {
    LimitCountPlugin p = new LimitCountPlugin(new Clock());
    LimitCountConfig conf = p.decode(json("{'count':1,'time_window':60,'group':'g-key','key':'http_x_user'}"));
    assertSame(PhaseResult.CONTINUE, p.access(conf, new FakeContext().header("X-User", "a")));
    assertSame(PhaseResult.CONTINUE, p.access(conf, new FakeContext().header("X-User", "b")));
    assertSame(PhaseResult.CONTINUE, p.access(conf, new FakeContext()), "no header: counted by remote_addr");
    assertEquals(503, status(p.access(conf, new FakeContext().header("X-User", "a"))));
    assertEquals(503, status(p.access(conf, new FakeContext())));
  }

  @Test
  void group_sharesOneCounterAcrossOwners_andRefusesAnotherConf() {
    LimitCountPlugin p = new LimitCountPlugin(new Clock());
    String raw = "{'count':1,'time_window':60,'group':'g-shared'}";
    LimitCountConfig onRoute1 = p.decode(json(raw));
    LimitCountConfig onRoute2 = p.decode(json(raw));
    assertSame(PhaseResult.CONTINUE, p.access(onRoute1, new FakeContext()));
    assertEquals(503, status(p.access(onRoute2, new FakeContext())));
    PluginConfigException e =
        assertThrows(PluginConfigException.class, () -> p.decode(json("{'count':2,'time_window':60,'group':'g-shared'}")));
    assertEquals("group conf mismatched", e.getMessage());
  }

  @Test
  void counterPrefix_ownerAndConfDigest_orGroup_stableAcrossParses() {
    LimitCountConfig conf = LimitCountConfig.decode(json("{'count':1,'time_window':60,'policy':'redis','redis_host':'127.0.0.1'}"));
    JsonNode raw = json("{'count':1,'time_window':60,'policy':'redis','redis_host':'127.0.0.1'}");
    CountState a = CountState.create(new PluginState.Key("routes/1", raw), conf, new Clock());
    CountState b = CountState.create(new PluginState.Key("routes/1", raw.deepCopy()), conf, new Clock());
    assertEquals(a.redisPrefix(), b.redisPrefix());
    assertTrue(a.redisPrefix().matches("plugin-limit-count:routes/1:[0-9a-f]{16}:"), a.redisPrefix());
    assertNull(a.local(), "the redis policy keeps no local windows");
    JsonNode other = json("{'count':2,'time_window':60,'policy':'redis','redis_host':'127.0.0.1'}");
    assertFalse(a.redisPrefix().equals(CountState.create(new PluginState.Key("routes/1", other), conf, new Clock()).redisPrefix()));
    LimitCountConfig grouped = LimitCountConfig.decode(json("{'count':1,'time_window':60,'group':'shared'}"));
    assertEquals("plugin-limit-count:shared:", CountState.create(grouped.groupKey(), grouped, new Clock()).redisPrefix());
  }

  /* ---- redis settings ---- */

  @Test
  void redisSettings_single_defaultsAndEndpoint() {
    RedisSettings s =
        LimitCountConfig.decode(json("{'count':1,'time_window':1,'policy':'redis','redis_host':'10.1.1.1','redis_password':'pw','redis_database':3}"))
            .redis();
    assertEquals(List.of("redis://10.1.1.1:6379/3"), s.endpoints());
    assertEquals(1000, s.timeoutMillis());
    assertEquals(100, s.poolSize());
    assertEquals("pw", s.password());
    assertFalse(s.toString().contains("pw"), s.toString());
    RedisSettings tls =
        LimitCountConfig.decode(json("{'count':1,'time_window':1,'policy':'redis','redis_host':'::1','redis_port':6380,'redis_ssl':true}")).redis();
    assertEquals(List.of("rediss://[::1]:6380/0"), tls.endpoints());
  }

  @Test
  void redisSettings_cluster_nodes_andBadNodeNamed() {
    RedisSettings s =
        LimitCountConfig.decode(json("{'count':1,'time_window':1,'policy':'redis-cluster','redis_cluster_name':'c',"
                + "'redis_cluster_nodes':['127.0.0.1:7001','127.0.0.1:7002']}"))
            .redis();
    assertTrue(s.cluster());
    assertEquals(List.of("redis://127.0.0.1:7001", "redis://127.0.0.1:7002"), s.endpoints());
    PluginConfigException e =
        assertThrows(
            PluginConfigException.class,
            () -> LimitCountConfig.decode(json("{'count':1,'time_window':1,'policy':'redis-cluster','redis_cluster_name':'c','redis_cluster_nodes':['127.0.0.1']}")));
    assertEquals("redis_cluster_nodes: expected host:port, got \"127.0.0.1\"", e.getMessage());
  }

  /* ---- schema (through the catalog, as the Admin API checks) ---- */

  private static final Plugins CATALOG =
      new Plugins(BuiltinPlugins.create(Map.of()), List.of("limit-count", "limit-req", "limit-conn"));

  @Test
  void schema_namesTheFieldAtFault() {
    assertEquals(Optional.empty(), CATALOG.check("limit-count", json("{'count':1,'time_window':1}")));
    assertEquals(
        Optional.of("property \"count\" is required"),
        CATALOG.check("limit-count", json("{'time_window':1}")));
    assertEquals(
        Optional.of("property \"redis_host\" is required"),
        CATALOG.check("limit-count", json("{'count':1,'time_window':1,'policy':'redis'}")));
    assertEquals(
        Optional.of("property \"rejected_code\" validation failed: expected 600 to be at most 599"),
        CATALOG.check("limit-count", json("{'count':1,'time_window':1,'rejected_code':600}")));
    assertEquals(
        Optional.of("property \"redis_cluster_name\" is required"),
        CATALOG.check("limit-count", json("{'count':1,'time_window':1,'policy':'redis-cluster','redis_cluster_nodes':['a:1']}")));
    assertEquals(
        Optional.of("property \"window_type\" validation failed: matches none of the enum values"),
        CATALOG.check("limit-count", json("{'count':1,'time_window':1,'window_type':'sliding'}")),
        "only fixed windows here: a sliding one must not be accepted and then counted as fixed");
  }

  @Test
  void schema_limitReqRedisNeedsAHost_limitConnRefusesRedisSayingWhy() {
    assertEquals(Optional.empty(), CATALOG.check("limit-req", json("{'rate':1,'burst':0,'key':'remote_addr'}")));
    assertEquals(
        Optional.of("property \"redis_host\" is required"),
        CATALOG.check("limit-req", json("{'rate':1,'burst':0,'key':'remote_addr','policy':'redis'}")));
    assertEquals(
        Optional.empty(),
        CATALOG.check("limit-req", json("{'rate':1,'burst':0,'key':'remote_addr','policy':'redis-cluster',"
            + "'redis_cluster_name':'c','redis_cluster_nodes':['127.0.0.1:7000']}")));
    String conn =
        CATALOG.check("limit-conn", json("{'conn':1,'burst':0,'default_conn_delay':0.1,'policy':'redis-cluster'}")).orElseThrow();
    assertTrue(conn.contains("not supported by limit-conn"), conn);
    assertEquals(Optional.empty(), CATALOG.check("limit-conn", json("{'conn':1,'burst':0,'default_conn_delay':0.1}")));
  }

}
