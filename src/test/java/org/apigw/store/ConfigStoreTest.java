package org.apigw.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apigw.plugin.PluginCatalog;
import org.apigw.resource.ResourceCodec;
import org.apigw.resource.ResourceType;
import org.apigw.router.Match;
import org.apigw.router.RequestView;
import org.junit.jupiter.api.Test;

class ConfigStoreTest {

  private final List<RuntimeConfig> published = new ArrayList<>();
  private final ConfigStore store =
      new ConfigStore("/apisix", new ResourceCodec(PluginCatalog.NONE), "radixtree_host_uri", published::add);

  private static final String HELLO =
      "{\"uri\":\"/hello\",\"upstream\":{\"nodes\":{\"127.0.0.1:1980\":1}}}";
  private static final String HELLO_V2 =
      "{\"uri\":\"/hello\",\"methods\":[\"POST\"],\"upstream\":{\"nodes\":{\"127.0.0.1:1980\":1}}}";

  @Test
  void put_isServed_andDeleteRemovesIt() {
    store.apply(2, List.of(put("/apisix/routes/1", HELLO, 2)));
    assertNotNull(match("GET", "/hello"));
    assertEquals(2, store.current().revision());
    store.apply(3, List.of(ConfigEntry.delete("/apisix/routes/1", 3)));
    assertNull(match("GET", "/hello"));
  }

  @Test
  void badValueForServedKey_keepsTheLastGoodValue_andIsRecorded() {
    store.apply(2, List.of(put("/apisix/routes/1", HELLO, 2)));
    store.apply(3, List.of(put("/apisix/routes/1", "{not json", 3)));
    assertNotNull(match("GET", "/hello"), "last good value keeps serving");
    Rejection rejection = store.rejections().get("/apisix/routes/1");
    assertNotNull(rejection);
    assertEquals(3, rejection.revision());
    assertEquals(1L, store.rejectedTotals().get("routes"));
  }

  @Test
  void badValue_isRejectedAlone_restOfTheBatchApplies() {
    store.apply(
        5,
        List.of(
            put("/apisix/routes/1", "{\"uri\":123}", 5),
            put("/apisix/routes/2", HELLO.replace("/hello", "/two"), 5),
            put("/apisix/nonsense/1", "{}", 5)));
    assertNull(store.current().route("1"));
    assertNotNull(match("GET", "/two"));
    assertEquals(2, store.rejections().size());
    assertEquals(1L, store.rejectedTotals().get("unknown"));
  }

  @Test
  void goodValueAfterRejection_clearsTheRejection() {
    store.apply(2, List.of(put("/apisix/routes/1", "{bad", 2)));
    store.apply(3, List.of(put("/apisix/routes/1", HELLO, 3)));
    assertTrue(store.rejections().isEmpty());
    assertNotNull(match("GET", "/hello"));
  }

  @Test
  void initDirPlaceholders_andOtherApisixKeys_areSkippedQuietly() {
    store.replaceAll(
        ConfigOrigin.ETCD,
        9,
        1,
        List.of(
            put("/apisix/routes/", "init_dir", 2),
            put("/apisix/ssls/", "init_dir", 3),
            put("/apisix/plugins", "[{\"name\":\"real-ip\"}]", 4),
            put("/apisix/routes/1", HELLO, 9)),
        "test");
    assertTrue(store.rejections().isEmpty());
    assertNotNull(match("GET", "/hello"));
  }

  @Test
  void replaceAll_deletesKeysNoLongerListed_andReusesUnchangedOnes() {
    store.replaceAll(
        ConfigOrigin.ETCD, 3, 1,
        List.of(put("/apisix/routes/1", HELLO, 2), put("/apisix/routes/2", HELLO.replace("hello", "two"), 3)),
        "start");
    StoredResource before = store.current().all(ResourceType.ROUTES).get("1");
    store.replaceAll(ConfigOrigin.ETCD, 7, 1, List.of(put("/apisix/routes/1", HELLO, 2)), "compacted");
    assertSame(before, store.current().all(ResourceType.ROUTES).get("1"), "unchanged key is not decoded again");
    assertNull(match("GET", "/two"));
    assertEquals(7, store.current().revision());
  }

  @Test
  void replaceAll_keepsLastGoodValue_whenTheReadValueIsBad() {
    store.replaceAll(ConfigOrigin.ETCD, 2, 1, List.of(put("/apisix/routes/1", HELLO, 2)), "start");
    store.replaceAll(ConfigOrigin.ETCD, 4, 1, List.of(put("/apisix/routes/1", "{\"uri\":1}", 4)), "resync");
    assertNotNull(match("GET", "/hello"));
    assertTrue(store.rejections().containsKey("/apisix/routes/1"));
  }

  @Test
  void largeFullRead_decodesEveryKey_andRejectsTheBadOnesAlone() {
    List<ConfigEntry> entries = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      String value = i % 1000 == 7 ? "{\"uri\":" + i + "}" : HELLO.replace("/hello", "/r/" + i);
      entries.add(put("/apisix/routes/r" + i, value, i + 2));
    }
    long start = System.nanoTime();
    store.replaceAll(ConfigOrigin.ETCD, 10_002, 1, entries, "start");
    System.out.printf("[ConfigStoreTest] full read of 10,000 routes applied in %d ms%n", (System.nanoTime() - start) / 1_000_000);
    assertEquals(9_990, store.current().all(ResourceType.ROUTES).size());
    assertEquals(10, store.rejections().size());
    assertNotNull(match("GET", "/r/9999"));
    assertNull(match("GET", "/r/1007"));
  }

  @Test
  void snapshot_isIgnored_onceEtcdHasAnswered() {
    store.replaceAll(ConfigOrigin.ETCD, 5, 1, List.of(put("/apisix/routes/1", HELLO, 5)), "start");
    store.replaceAll(ConfigOrigin.SNAPSHOT, 3, 1, List.of(), "etcd down");
    assertEquals(ConfigOrigin.ETCD, store.current().origin());
    assertNotNull(match("GET", "/hello"));
  }

  @Test
  void fallback_isIgnored_onceEtcdHasAnswered_andEtcdReplacesIt() {
    store.replaceAll(ConfigOrigin.ETCD, 5, 1, List.of(put("/apisix/routes/1", HELLO, 5)), "start");
    store.replaceAll(ConfigOrigin.FALLBACK, 3, 1, List.of(), "etcd down");
    assertEquals(ConfigOrigin.ETCD, store.current().origin());
    assertNotNull(match("GET", "/hello"));

    ConfigStore fresh = new ConfigStore("/apisix", new ResourceCodec(PluginCatalog.NONE), "radixtree_host_uri", p -> {});
    fresh.replaceAll(ConfigOrigin.FALLBACK, 4, 7, List.of(put("/apisix/routes/1", HELLO, 4)), "fallback");
    assertEquals("fallback", fresh.current().origin().label());
    fresh.replaceAll(ConfigOrigin.ETCD, 9, 7, List.of(), "start");
    assertEquals(ConfigOrigin.ETCD, fresh.current().origin());
    assertEquals(0, fresh.current().all(org.apigw.resource.ResourceType.ROUTES).size());
  }

  @Test
  void snapshotBaseline_keepsTheLastGoodValue_whenEtcdNowHoldsABadOne() {
    store.replaceAll(ConfigOrigin.SNAPSHOT, 4, 7, List.of(put("/apisix/routes/1", HELLO, 4)), "baseline");
    store.replaceAll(ConfigOrigin.ETCD, 9, 7, List.of(put("/apisix/routes/1", "{\"uri\":1}", 9)), "start");
    assertEquals(ConfigOrigin.ETCD, store.current().origin());
    assertNotNull(match("GET", "/hello"));
    assertTrue(store.rejections().containsKey("/apisix/routes/1"));
  }

  @Test
  void valuesKeptAside_serveAKeyTheFirstEtcdReadRefuses_ifTheyPassValidation() {
    store.keepAside((key, clusterId) -> switch (key) {
      case "/apisix/routes/1" -> put(key, HELLO, 4);
      case "/apisix/routes/2" -> put(key, HELLO_SCHEMA_INVALID.replace("/hello", "/two"), 4);
      default -> null;
    });
    store.replaceAll(
        ConfigOrigin.ETCD, 9, 7,
        List.of(put("/apisix/routes/1", "{\"uri\":1}", 9), put("/apisix/routes/2", "{\"uri\":2}", 9)), "start");
    assertNotNull(match("GET", "/hello"), "F10: the last good value keeps serving across a restart");
    assertEquals(4, store.current().all(ResourceType.ROUTES).get("1").modRevision());
    assertNull(store.current().route("2"), "a kept value this build refuses is not served either");
    assertTrue(store.rejections().containsKey("/apisix/routes/1"), "still reported as rejected");
  }

  @Test
  void valuesKeptAside_areNotServed_andAreDroppedByTheFirstFullRead() {
    List<String> asked = new ArrayList<>();
    store.keepAside((key, clusterId) -> {
      asked.add(key);
      return put(key, HELLO, 4);
    });
    store.replaceAll(ConfigOrigin.ETCD, 9, 7, List.of(put("/apisix/routes/2", HELLO_V2, 9)), "start");
    assertTrue(asked.isEmpty(), "consulted only for a refused key");
    assertNull(store.current().route("1"), "a key etcd does not hold is not served from them");
    store.replaceAll(ConfigOrigin.ETCD, 10, 7, List.of(put("/apisix/routes/1", "{\"uri\":1}", 10)), "resync");
    assertTrue(asked.isEmpty(), "gone after the first full read");
    assertNull(store.current().route("1"));
  }

  /** Valid JSON a route record can be made from, but refused by the route schema. */
  private static final String HELLO_SCHEMA_INVALID = HELLO.replace("{\"uri\"", "{\"no_such_field\":1,\"uri\"");

  @Test
  void snapshotLoad_takesItsValuesWithoutSchemaValidation() {
    store.replaceAll(
        ConfigOrigin.SNAPSHOT, 4, 7, List.of(put("/apisix/routes/1", HELLO_SCHEMA_INVALID, 4)), "baseline");
    assertNotNull(match("GET", "/hello"), "validated when it was accepted, not again");
    assertTrue(store.rejections().isEmpty());
  }

  @Test
  void etcdRead_validatesASnapshotValue_evenWithTheSameBytes() {
    store.replaceAll(
        ConfigOrigin.SNAPSHOT, 4, 7, List.of(put("/apisix/routes/1", HELLO_SCHEMA_INVALID, 4)), "baseline");
    store.replaceAll(ConfigOrigin.ETCD, 9, 7, List.of(put("/apisix/routes/1", HELLO_SCHEMA_INVALID, 4)), "start");
    assertNull(match("GET", "/hello"), "refused by this build's schema, whatever the snapshot held");
    assertTrue(store.rejections().containsKey("/apisix/routes/1"));
  }

  @Test
  void etcdRead_keepsAnInvalidSnapshotValue_asLastGood_onlyIfItPassesValidation() {
    store.replaceAll(
        ConfigOrigin.SNAPSHOT, 4, 7,
        List.of(put("/apisix/routes/1", HELLO_SCHEMA_INVALID, 4), put("/apisix/routes/2", HELLO_V2, 4)), "baseline");
    store.replaceAll(
        ConfigOrigin.ETCD, 9, 7,
        List.of(put("/apisix/routes/1", "{\"uri\":1}", 9), put("/apisix/routes/2", "{\"uri\":2}", 9)), "start");
    assertNull(store.current().route("1"), "the snapshot value fails validation too");
    assertNotNull(store.current().route("2"), "the snapshot value is valid: the last good one");
  }

  @Test
  void etcdRead_reusesValuesItValidatedBefore() {
    store.replaceAll(ConfigOrigin.SNAPSHOT, 4, 7, List.of(put("/apisix/routes/1", HELLO, 4)), "baseline");
    store.replaceAll(ConfigOrigin.ETCD, 9, 7, List.of(put("/apisix/routes/1", HELLO, 4)), "start");
    StoredResource validated = store.current().all(ResourceType.ROUTES).get("1");
    store.replaceAll(ConfigOrigin.ETCD, 10, 7, List.of(put("/apisix/routes/1", HELLO, 4)), "resync");
    assertSame(validated, store.current().all(ResourceType.ROUTES).get("1"));
  }

  @Test
  void snapshotOfAnotherEtcdCluster_isNotKept() {
    store.replaceAll(ConfigOrigin.SNAPSHOT, 4, 7, List.of(put("/apisix/routes/1", HELLO, 4)), "baseline");
    store.replaceAll(ConfigOrigin.ETCD, 9, 8, List.of(put("/apisix/routes/1", "{\"uri\":1}", 9)), "start");
    assertNull(match("GET", "/hello"));
  }

  @Test
  void balancerState_survivesUnrelatedChanges() {
    String upstream = "{\"nodes\":{\"127.0.0.1:1980\":1,\"127.0.0.1:1981\":1}}";
    store.apply(2, List.of(put("/apisix/upstreams/u1", upstream, 2)));
    UpstreamState state = store.current().upstream("u1");
    store.apply(3, List.of(put("/apisix/routes/1", "{\"uri\":\"/a\",\"upstream_id\":\"u1\"}", 3)));
    store.apply(4, List.of(put("/apisix/upstreams/u2", upstream, 4)));
    assertSame(state, store.current().upstream("u1"));
  }

  @Test
  void routeChange_isServed_inTheSameBatch_asItsNewUpstream() {
    store.apply(
        6,
        List.of(
            put("/apisix/upstreams/u9", "{\"nodes\":{\"127.0.0.1:1990\":1}}", 6),
            put("/apisix/routes/1", "{\"uri\":\"/hello\",\"upstream_id\":\"u9\"}", 6)));
    Match<RouteTarget> match = match("GET", "/hello");
    assertEquals("u9", match.route().payload().upstreamId());
    assertNotNull(store.current().upstream("u9"));
    assertEquals(1, published.size(), "one batch, one publish");
  }

  @Test
  void routesInheritHostsFromTheirService() {
    store.apply(
        3,
        List.of(
            put("/apisix/services/s1", "{\"hosts\":[\"foo.com\"],\"upstream\":{\"nodes\":{\"127.0.0.1:1980\":1}}}", 2),
            put("/apisix/routes/1", "{\"uri\":\"/hello\",\"service_id\":\"s1\"}", 3)));
    assertNull(match("GET", "/hello"));
    assertNotNull(matchHost("GET", "/hello", "foo.com"));
  }

  @Test
  void disabledRoute_isNotRouted() {
    store.apply(2, List.of(put("/apisix/routes/1", HELLO.replace("{", "{\"status\":0,"), 2)));
    assertNull(match("GET", "/hello"));
  }

  @Test
  void updatedRoute_replacesTheOldMatchingRules() {
    store.apply(2, List.of(put("/apisix/routes/1", HELLO, 2)));
    store.apply(3, List.of(put("/apisix/routes/1", HELLO_V2, 3)));
    assertNull(match("GET", "/hello"));
    assertNotNull(match("POST", "/hello"));
  }

  @Test
  void confirm_datesTheServedConfig_onlyForTheServedOriginAndRevision() {
    assertEquals(0, store.confirmedAtMillis(), "nothing loaded");
    store.replaceAll(ConfigOrigin.SNAPSHOT, 4, 7, List.of(put("/apisix/routes/1", HELLO, 4)), "baseline");
    assertEquals(store.current().appliedAtMillis(), store.confirmedAtMillis(), "a publish confirms");
    store.confirm(ConfigOrigin.SNAPSHOT, 4, 1_000);
    assertEquals(1_000, store.confirmedAtMillis(), "dated back to the snapshot's write");
    store.confirm(ConfigOrigin.ETCD, 9, 2_000);
    store.confirm(ConfigOrigin.SNAPSHOT, 3, 2_000);
    assertEquals(1_000, store.confirmedAtMillis(), "another origin, or an older revision, vouches for nothing");
    store.apply(5, List.of(put("/apisix/routes/2", HELLO.replace("/hello", "/two"), 5)));
    assertTrue(store.confirmedAtMillis() > 1_000, "a batch is confirmed as it is applied");
  }

  private Match<RouteTarget> match(String method, String path) {
    return matchHost(method, path, null);
  }

  private Match<RouteTarget> matchHost(String method, String path, String host) {
    return store.current().router().match(new FakeRequest(method, path, host));
  }

  private static ConfigEntry put(String key, String value, long revision) {
    return new ConfigEntry(key, value.getBytes(StandardCharsets.UTF_8), revision, revision);
  }

  private record FakeRequest(String method, String path, String host) implements RequestView {
    @Override
    public String remoteAddr() {
      return "127.0.0.1";
    }

    @Override
    public String var(String name) {
      return switch (name) {
        case "uri" -> path;
        case "host" -> host;
        case "remote_addr" -> "127.0.0.1";
        default -> null;
      };
    }
  }
}
