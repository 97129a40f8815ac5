package org.apigw.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.GetOption;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apigw.store.ConfigEntry;
import org.apigw.store.ConfigOrigin;
import org.apigw.store.ConfigSink;
import org.apigw.testing.Deadline;
import org.apigw.testing.EtcdExtension;
import org.apigw.testing.TcpProxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The sync loop against a real etcd: it must converge on exactly what etcd holds, whatever happened. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class EtcdConfigSyncTest {

  @RegisterExtension static final EtcdExtension ETCD = new EtcdExtension();

  private static final Duration CONVERGE = Duration.ofSeconds(20);

  private final RecordingSink sink = new RecordingSink();
  private Client direct;
  private TcpProxy proxy;
  private EtcdConfigSync sync;
  private String prefix;

  @BeforeEach
  void setUp() {
    prefix = "/t" + System.nanoTime();
    direct = Client.builder().endpoints(ETCD.etcd().endpoint()).build();
    proxy = TcpProxy.to("127.0.0.1", ETCD.etcd().clientPort());
    Supplier<Client> viaProxy =
        () ->
            Client.builder()
                .endpoints(proxy.endpoint())
                .keepaliveTime(Duration.ofSeconds(10))
                .keepaliveTimeout(Duration.ofSeconds(5))
                .waitForReady(false)
                .build();
    sync =
        new EtcdConfigSync(
            viaProxy, List.of(InetSocketAddress.createUnresolved("127.0.0.1", proxy.port())), prefix, sink,
            Duration.ofSeconds(3), Duration.ofSeconds(1));
  }

  @AfterEach
  void tearDown() {
    sync.close();
    direct.close();
    proxy.close();
  }

  @Test
  void firstRead_isPaginated_andTheWatchDeliversEveryLaterChange() throws Exception {
    List<CompletableFuture<?>> puts = new ArrayList<>();
    for (int i = 0; i < 2500; i++) {
      puts.add(put(String.format("/routes/%05d", i), "{\"n\":" + i + "}"));
    }
    CompletableFuture.allOf(puts.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    sync.start();
    sync.firstSync().get(20, TimeUnit.SECONDS);
    assertEquals(2500, sink.size());
    put("/routes/new", "{}").get(5, TimeUnit.SECONDS);
    delete("/routes/00007").get(5, TimeUnit.SECONDS);
    awaitConverged();
    assertEquals(1, sink.fullReads());
  }

  @Test
  void everyEventOfOneTxn_isApplied_evenThoughTheyShareOneRevision() throws Exception {
    put("/upstreams/old", "{}").get();
    sync.start();
    sync.firstSync().get(20, TimeUnit.SECONDS);
    direct
        .getKVClient()
        .txn()
        .Then(
            Op.put(bytes(prefix + "/upstreams/new"), bytes("{}"), PutOption.DEFAULT),
            Op.put(bytes(prefix + "/routes/r"), bytes("{\"upstream_id\":\"new\"}"), PutOption.DEFAULT),
            Op.delete(bytes(prefix + "/upstreams/old"), DeleteOption.DEFAULT))
        .commit()
        .get(5, TimeUnit.SECONDS);
    awaitConverged();
    assertEquals(2, sink.size());
  }

  @Test
  void changesWhoseApplyThrew_areNotSkipped_theSyncReReadsThem() throws Exception {
    sync.start();
    sync.firstSync().get(20, TimeUnit.SECONDS);
    sink.failNextApply();
    put("/routes/lost-unless-reread", "{}").get(5, TimeUnit.SECONDS);
    awaitConverged();
    assertEquals(2, sink.fullReads());
  }

  @Test
  void compactionWhileDisconnected_resyncs_andConvergesIncludingDeletes() throws Exception {
    put("/routes/1", "{\"v\":1}").get();
    put("/routes/2", "{\"v\":1}").get();
    sync.start();
    sync.firstSync().get(20, TimeUnit.SECONDS);
    proxy.cut();
    Deadline.await(Duration.ofSeconds(10), "the sync to notice the cut", () -> !sync.status().reachable());
    for (int i = 0; i < 50; i++) {
      put("/routes/1", "{\"v\":" + (i + 2) + "}").get();
    }
    delete("/routes/2").get();
    put("/routes/3", "{\"v\":1}").get();
    ETCD.etcd().compact();
    proxy.restore();
    awaitConverged();
    Map<String, Long> resyncs = new TreeMap<>(sync.status().resyncs());
    resyncs.remove("start");
    assertTrue(!resyncs.isEmpty(), "a full re-read after the cut: " + sync.status().resyncs());
  }

  @Test
  void longOutage_isOverWithinSeconds_ofEtcdAcceptingConnectionsAgain() throws Exception {
    sync.start();
    sync.firstSync().get(20, TimeUnit.SECONDS);
    proxy.cut();
    // long enough for gRPC's reconnect backoff to grow past ten seconds on a reused channel
    long cutUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(25);
    Deadline.await(Duration.ofSeconds(30), "25 s of outage", () -> System.nanoTime() > cutUntil);
    put("/routes/written-during-outage", "{}").get(5, TimeUnit.SECONDS);
    long restored = System.nanoTime();
    proxy.restore();
    awaitConverged();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restored);
    System.out.println("[EtcdConfigSyncTest] converged " + millis + " ms after a 25 s outage ended");
    assertTrue(millis < 5000, "converged " + millis + " ms after the outage ended");
  }

  @Test
  void startRefused_makesNoClientWhileEtcdRefuses_andReadsOnceItAccepts() throws Exception {
    put("/routes/1", "{}").get();
    proxy.cut();
    AtomicInteger made = new AtomicInteger();
    sync.close();
    sync =
        new EtcdConfigSync(
            () -> {
              made.incrementAndGet();
              return Client.builder().endpoints(proxy.endpoint()).waitForReady(false).build();
            },
            List.of(InetSocketAddress.createUnresolved("127.0.0.1", proxy.port())), prefix, sink,
            Duration.ofSeconds(3), Duration.ofSeconds(30));
    sync.startRefused("refused");
    long quietUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    Deadline.await(Duration.ofSeconds(5), "2 s of etcd refusing", () -> System.nanoTime() > quietUntil);
    assertEquals(0, made.get(), "no gRPC client while every endpoint refuses");
    assertEquals("refused", sync.status().lastError());
    assertTrue(!sync.status().reachable());
    proxy.restore();
    sync.firstSync().get(10, TimeUnit.SECONDS); // a probe interval, not the 30 s backoff
    awaitConverged();
    assertEquals(1, made.get());
  }

  @Test
  void killedEtcd_isFollowedAgain_afterItRestarts() throws Exception {
    put("/routes/1", "{}").get();
    sync.start();
    sync.firstSync().get(20, TimeUnit.SECONDS);
    ETCD.etcd().kill9();
    Deadline.await(Duration.ofSeconds(20), "the sync to notice etcd is gone", () -> !sync.status().reachable());
    assertEquals(1, sink.size(), "what was read keeps being served");
    ETCD.etcd().restart();
    reconnectDirect();
    put("/routes/after-restart", "{}").get(10, TimeUnit.SECONDS);
    awaitConverged();
  }

  @Test
  void wipedEtcd_isFollowed_andNothingOfTheOldClusterRemains() throws Exception {
    put("/routes/old-1", "{}").get();
    put("/routes/old-2", "{}").get();
    for (int i = 0; i < 20; i++) {
      put("/routes/old-1", "{\"v\":" + i + "}").get(); // push the old revision well above the new cluster's
    }
    sync.start();
    sync.firstSync().get(20, TimeUnit.SECONDS);
    ETCD.etcd().wipeAndRestart();
    reconnectDirect();
    put("/routes/new-1", "{}").get(10, TimeUnit.SECONDS);
    awaitConverged();
    assertEquals(Map.of(prefix + "/routes/new-1", "{}"), sink.values());
  }

  // ------------------------------------------------------------------ helpers

  private void reconnectDirect() {
    direct.close();
    direct = Client.builder().endpoints(ETCD.etcd().endpoint()).build();
  }

  private void awaitConverged() {
    Deadline.untilPasses(CONVERGE, () -> {
      assertEquals(etcdContent(), sink.values());
      return null;
    });
  }

  private Map<String, String> etcdContent() throws Exception {
    ByteSequence key = bytes(prefix + "/");
    List<KeyValue> kvs =
        direct.getKVClient().get(key, GetOption.builder().isPrefix(true).build()).get(5, TimeUnit.SECONDS).getKvs();
    Map<String, String> content = new TreeMap<>();
    for (KeyValue kv : kvs) {
      content.put(kv.getKey().toString(StandardCharsets.UTF_8), kv.getValue().toString(StandardCharsets.UTF_8));
    }
    return content;
  }

  private CompletableFuture<?> put(String key, String value) {
    return direct.getKVClient().put(bytes(prefix + key), bytes(value));
  }

  private CompletableFuture<?> delete(String key) {
    return direct.getKVClient().delete(bytes(prefix + key), DeleteOption.DEFAULT);
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /** Mirrors what the sync delivers, the way the store would. */
  private static final class RecordingSink implements ConfigSink {
    private final Map<String, String> values = new TreeMap<>();
    private int fullReads;
    private boolean failNextApply;

    synchronized void failNextApply() {
      failNextApply = true;
    }

    @Override
    public synchronized void replaceAll(
        ConfigOrigin origin, long revision, long clusterId, List<ConfigEntry> entries, String reason) {
      fullReads++;
      values.clear();
      for (ConfigEntry e : entries) {
        values.put(e.key(), new String(e.value(), StandardCharsets.UTF_8));
      }
    }

    @Override
    public synchronized void apply(long revision, List<ConfigEntry> changes) {
      if (failNextApply) {
        failNextApply = false;
        throw new IllegalStateException("injected: applying failed");
      }
      for (ConfigEntry e : changes) {
        if (e.isDelete()) {
          values.remove(e.key());
        } else {
          values.put(e.key(), new String(e.value(), StandardCharsets.UTF_8));
        }
      }
    }

    synchronized Map<String, String> values() {
      return new TreeMap<>(values);
    }

    synchronized int size() {
      return values.size();
    }

    synchronized int fullReads() {
      return fullReads;
    }
  }
}
