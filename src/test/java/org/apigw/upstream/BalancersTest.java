package org.apigw.upstream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apigw.resource.Node;
import org.apigw.resource.Upstream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BalancersTest {

  private static Node node(String host, int weight) {
    return new Node(host, 80, weight, 0);
  }

  private static Node node(String host, int weight, int priority) {
    return new Node(host, 80, weight, priority);
  }

  private static Upstream upstream(String type, List<Node> nodes) {
    return new Upstream("u1", null, type, nodes, null, 0, null, null, null, null, null, null, null);
  }

  private static String sequence(NodeSelector s, int picks) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < picks; i++) {
      sb.append(s.pick(null, null).host());
    }
    return sb.toString();
  }

  /* ---------------------------------------------------------------- roundrobin */

  @Test
  void roundrobin_weights511_nginxSmoothSequence() {
    NodeSelector s =
        Balancers.create(upstream("roundrobin", List.of(node("a", 5), node("b", 1), node("c", 1))));
    assertEquals("aabacaa".repeat(3), sequence(s, 21));
  }

  @Test
  void roundrobin_nullType_isRoundrobin() {
    NodeSelector s = Balancers.create(upstream(null, List.of(node("a", 5), node("b", 1), node("c", 1))));
    assertEquals("aabacaa", sequence(s, 7));
  }

  @Test
  void roundrobin_exactProportions_overManyPicks() {
    NodeSelector s = Balancers.create(
        upstream("roundrobin", List.of(node("a", 3), node("b", 2), node("c", 7), node("d", 1))));
    Map<String, Integer> counts = new HashMap<>();
    int rounds = 1000;
    for (int i = 0; i < 13 * rounds; i++) {
      counts.merge(s.pick(null, null).host(), 1, Integer::sum);
    }
    assertEquals(Map.of("a", 3 * rounds, "b", 2 * rounds, "c", 7 * rounds, "d", rounds), counts);
  }

  @Test
  void roundrobin_equalWeights_alternate() {
    NodeSelector s = Balancers.create(upstream("roundrobin", List.of(node("a", 1), node("b", 1))));
    assertEquals("abababab", sequence(s, 8));
  }

  @Test
  void roundrobin_weightZero_neverPicked() {
    NodeSelector s = Balancers.create(
        upstream("roundrobin", List.of(node("a", 0), node("b", 1), node("c", 0))));
    assertEquals("bbbbbbbbbb", sequence(s, 10));
  }

  @Test
  void allWeightsZero_orNoNodes_pickNull() {
    assertNull(Balancers.create(upstream("roundrobin", List.of(node("a", 0)))).pick(null, null));
    assertNull(Balancers.create(upstream("roundrobin", List.of())).pick(null, null));
    assertNull(Balancers.create(upstream("chash", List.of())).pick("k", null));
    assertNull(Balancers.create(upstream("chash", List.of(node("a", 0)))).pick("k", null));
  }

  @Test
  void roundrobin_exclusion_retriesNeverRepeatANode() {
    NodeSelector s = Balancers.create(
        upstream("roundrobin", List.of(node("a", 5), node("b", 1), node("c", 1))));
    for (int request = 0; request < 50; request++) {
      Set<Node> tried = new HashSet<>();
      for (int attempt = 0; attempt < 3; attempt++) {
        Node n = s.pick(null, tried::contains);
        assertNotNull(n, "attempt " + attempt);
        assertTrue(tried.add(n), "node picked twice in one request: " + n);
      }
      assertNull(s.pick(null, tried::contains), "all nodes tried");
    }
  }

  @Test
  void roundrobin_exclusion_keepsProportionsAmongTheRest() {
    NodeSelector s = Balancers.create(
        upstream("roundrobin", List.of(node("a", 5), node("b", 2), node("c", 1))));
    Map<String, Integer> counts = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      counts.merge(s.pick(null, n -> n.host().equals("a")).host(), 1, Integer::sum);
    }
    assertEquals(Map.of("b", 200, "c", 100), counts);
  }

  /* ------------------------------------------------------------------ priority */

  @Test
  void priority_onlyHighestGroupUsed_whileItHasAnEligibleNode() {
    Node a = node("a", 1, 10);
    Node b = node("b", 1, 10);
    Node backup = node("backup", 100, -1);
    NodeSelector s = Balancers.create(upstream("roundrobin", List.of(backup, a, b)));
    for (int i = 0; i < 100; i++) {
      assertNotEquals(backup, s.pick(null, null));
    }
    assertEquals(b, s.pick(null, n -> n == a));
    assertEquals(backup, s.pick(null, n -> n == a || n == b));
    assertNull(s.pick(null, n -> true));
  }

  @Test
  void priority_zeroWeightHighGroup_fallsThroughToNext() {
    Node dead = node("dead", 0, 5);
    Node live = node("live", 1, 0);
    NodeSelector s = Balancers.create(upstream("roundrobin", List.of(dead, live)));
    assertEquals(live, s.pick(null, null));
  }

  @Test
  void priority_threeLevels_retryWalksDownInOrder() {
    Node hi = node("hi", 1, 2);
    Node mid = node("mid", 1, 1);
    Node lo = node("lo", 1, 0);
    for (String type : List.of("roundrobin", "chash")) {
      NodeSelector s = Balancers.create(upstream(type, List.of(lo, mid, hi)));
      Set<Node> tried = new HashSet<>();
      List<Node> order = new ArrayList<>();
      Node n;
      while ((n = s.pick("key", tried::contains)) != null) {
        tried.add(n);
        order.add(n);
      }
      assertEquals(List.of(hi, mid, lo), order, type);
    }
  }

  /* --------------------------------------------------------------------- chash */

  private static List<Node> nodes(int count) {
    List<Node> list = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      list.add(node("10.0.0." + i, 1));
    }
    return list;
  }

  @Test
  void chash_sameKey_sameNode_acrossSelectorsAndCalls() {
    NodeSelector s1 = Balancers.create(upstream("chash", nodes(8)));
    NodeSelector s2 = Balancers.create(upstream("chash", nodes(8)));
    for (int k = 0; k < 1000; k++) {
      String key = "user-" + k;
      Node n = s1.pick(key, null);
      assertEquals(n, s1.pick(key, null));
      assertEquals(n, s2.pick(key, null));
    }
  }

  @Test
  void chash_nodeOrder_doesNotMatter() {
    List<Node> forward = nodes(6);
    List<Node> backward = new ArrayList<>(forward);
    java.util.Collections.reverse(backward);
    NodeSelector s1 = Balancers.create(upstream("chash", forward));
    NodeSelector s2 = Balancers.create(upstream("chash", backward));
    for (int k = 0; k < 1000; k++) {
      assertEquals(s1.pick("k" + k, null), s2.pick("k" + k, null));
    }
  }

  @Test
  void chash_removingANode_movesOnlyItsKeys() {
    List<Node> all = nodes(10);
    Node removed = all.get(3);
    List<Node> rest = new ArrayList<>(all);
    rest.remove(removed);
    NodeSelector before = Balancers.create(upstream("chash", all));
    NodeSelector after = Balancers.create(upstream("chash", rest));
    int keys = 20_000;
    int onRemoved = 0;
    int movedOthers = 0;
    for (int k = 0; k < keys; k++) {
      String key = "/api/item/" + k;
      Node b = before.pick(key, null);
      Node a = after.pick(key, null);
      if (b.equals(removed)) {
        onRemoved++;
      } else if (!a.equals(b)) {
        movedOthers++;
      }
    }
    assertEquals(0, movedOthers, "keys not on the removed node must stay put");
    // The removed node held roughly 1/10 of the keys.
    assertTrue(onRemoved > keys / 20 && onRemoved < keys / 5, "share of removed node: " + onRemoved);
  }

  @Test
  void chash_spreadFollowsWeight_roughly() {
    NodeSelector s = Balancers.create(
        upstream("chash", List.of(node("a", 1), node("b", 2), node("c", 1))));
    Map<String, Integer> counts = new HashMap<>();
    int keys = 40_000;
    for (int k = 0; k < keys; k++) {
      counts.merge(s.pick("client-" + k, null).host(), 1, Integer::sum);
    }
    double b = counts.get("b") / (double) keys;
    double a = counts.get("a") / (double) keys;
    assertTrue(b > 0.40 && b < 0.60, "b share " + b);
    assertTrue(a > 0.17 && a < 0.33, "a share " + a);
  }

  @Test
  void chash_exclusion_movesToAnotherNode_thenNull() {
    NodeSelector s = Balancers.create(upstream("chash", nodes(3)));
    Set<Node> tried = new HashSet<>();
    for (int i = 0; i < 3; i++) {
      Node n = s.pick("sticky", tried::contains);
      assertNotNull(n);
      assertTrue(tried.add(n));
    }
    assertNull(s.pick("sticky", tried::contains));
  }

  @Test
  void chash_nullKey_isAccepted() {
    NodeSelector s = Balancers.create(upstream("chash", nodes(3)));
    assertEquals(s.pick(null, null), s.pick("", null));
  }

  @Test
  void chash_largeWeights_ringIsCapped_butAllNodesReachable() {
    List<Node> heavy = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      heavy.add(node("h" + i, 1000));
    }
    heavy.add(node("light", 1));
    NodeSelector s = Balancers.create(upstream("chash", heavy));
    Set<Node> tried = new HashSet<>();
    Node n;
    while ((n = s.pick("x", tried::contains)) != null) {
      tried.add(n);
    }
    assertEquals(21, tried.size());
  }

  /* ------------------------------------------------------------- unknown type */

  @Test
  void unknownType_isRejected_namingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Balancers.create(upstream("fancy", List.of(node("a", 1)))));
    assertTrue(e.getMessage().contains("'fancy'"), e.getMessage());
    assertTrue(e.getMessage().contains("u1"), e.getMessage());
  }

  /* -------------------------------------------------------------- concurrency */

  @Test
  void roundrobin_concurrentPicks_keepExactProportions() throws Exception {
    NodeSelector s = Balancers.create(
        upstream("roundrobin", List.of(node("a", 5), node("b", 1), node("c", 1))));
    int threads = 4;
    int perThread = 70_000; // 7 * 10_000: each thread's picks are a whole number of rounds in total
    Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          Map<String, Long> local = new HashMap<>();
          go.await();
          for (int i = 0; i < perThread; i++) {
            local.merge(s.pick(null, null).host(), 1L, Long::sum);
          }
          local.forEach((k, v) -> counts.computeIfAbsent(k, x -> new AtomicLong()).addAndGet(v));
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(20, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    long total = (long) threads * perThread;
    assertEquals(total * 5 / 7, counts.get("a").get());
    assertEquals(total / 7, counts.get("b").get());
    assertEquals(total / 7, counts.get("c").get());
  }

  @Test
  void chash_concurrentPicks_areConsistent() throws Exception {
    NodeSelector s = Balancers.create(upstream("chash", nodes(5)));
    Map<String, Node> expected = new HashMap<>();
    for (int k = 0; k < 500; k++) {
      expected.put("k" + k, s.pick("k" + k, null));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(pool.submit(() -> {
          for (int r = 0; r < 50; r++) {
            for (Map.Entry<String, Node> e : expected.entrySet()) {
              assertSame(e.getValue(), s.pick(e.getKey(), null));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get(20, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
