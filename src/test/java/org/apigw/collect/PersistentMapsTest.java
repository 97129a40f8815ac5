package org.apigw.collect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Both persistent maps against java.util's maps under random edits, old versions included. */
class PersistentMapsTest {

  /** Keys drawn from a small space, with "Aa"/"BB"-style pairs whose String hashes collide. */
  private static String key(Random random) {
    int n = random.nextInt(3000);
    return n % 7 == 0 ? ("Aa".repeat(n % 3 + 1) + "BB".repeat(n % 2)) + n / 7 % 5 : "k" + n;
  }

  @Test
  void hashMap_randomEdits_matchHashMap_andOldVersionsStayUnchanged() {
    Random random = new Random(7);
    PersistentHashMap<String, Integer> map = PersistentHashMap.empty();
    Map<String, Integer> model = new HashMap<>();
    List<PersistentHashMap<String, Integer>> versions = new ArrayList<>();
    List<Map<String, Integer>> models = new ArrayList<>();
    for (int step = 0; step < 20_000; step++) {
      String k = key(random);
      if (random.nextInt(3) == 0) {
        map = map.without(k);
        model.remove(k);
      } else {
        int v = random.nextInt(100);
        map = map.with(k, v);
        model.put(k, v);
      }
      if (step % 2000 == 0) {
        versions.add(map);
        models.add(new HashMap<>(model));
      }
    }
    assertEquals(model, map);
    assertEquals(model.size(), map.size());
    assertEquals(model.hashCode(), map.hashCode());
    for (int i = 0; i < versions.size(); i++) {
      assertEquals(models.get(i), versions.get(i), "version " + i);
      assertEquals(new HashMap<>(versions.get(i)).size(), versions.get(i).size());
    }
    for (String k : model.keySet()) {
      map = map.without(k);
    }
    assertEquals(0, map.size());
    assertSame(PersistentHashMap.empty(), map);
  }

  @Test
  void hashMap_unchangedEdit_returnsTheSameMap_andNullsAreRefused() {
    Integer one = 1;
    PersistentHashMap<String, Integer> map = PersistentHashMap.<String, Integer>empty().with("a", one);
    assertSame(map, map.with("a", one));
    assertSame(map, map.without("b"));
    assertNull(map.get("b"));
    assertThrows(NullPointerException.class, () -> map.with(null, 1));
    assertThrows(UnsupportedOperationException.class, () -> map.put("c", 3));
  }

  @Test
  void sortedMap_randomEdits_matchTreeMap_inOrder_andOldVersionsStayUnchanged() {
    Random random = new Random(11);
    PersistentSortedMap<String, Integer> map = PersistentSortedMap.empty();
    TreeMap<String, Integer> model = new TreeMap<>();
    List<PersistentSortedMap<String, Integer>> versions = new ArrayList<>();
    List<List<Map.Entry<String, Integer>>> models = new ArrayList<>();
    for (int step = 0; step < 20_000; step++) {
      String k = key(random);
      if (random.nextInt(3) == 0) {
        map = map.without(k);
        model.remove(k);
      } else {
        int v = random.nextInt(100);
        map = map.with(k, v);
        model.put(k, v);
      }
      if (step % 2000 == 0) {
        versions.add(map);
        models.add(new ArrayList<>(new TreeMap<>(model).entrySet()));
      }
    }
    assertEquals(new ArrayList<>(model.entrySet()), new ArrayList<>(map.entrySet()));
    assertEquals(model.firstKey(), map.firstKey());
    assertEquals(model.lastKey(), map.lastKey());
    assertEquals(model.headMap("k5"), map.headMap("k5"));
    for (int i = 0; i < versions.size(); i++) {
      assertEquals(models.get(i), new ArrayList<>(versions.get(i).entrySet()), "version " + i);
    }
  }

  @Test
  void sortedMap_copyOfASortedMap_isBalancedAndStaysEditable() {
    TreeMap<String, Integer> model = new TreeMap<>();
    for (int i = 0; i < 1000; i++) {
      model.put("k" + i, i);
    }
    PersistentSortedMap<String, Integer> map = PersistentSortedMap.copyOf(model);
    assertEquals(new ArrayList<>(model.entrySet()), new ArrayList<>(map.entrySet()));
    for (int i = 0; i < 1000; i += 3) {
      map = map.without("k" + i).with("j" + i, i);
      model.remove("k" + i);
      model.put("j" + i, i);
    }
    assertEquals(new ArrayList<>(model.entrySet()), new ArrayList<>(map.entrySet()));
  }

  @Test
  void hashMap_copyOf_holdsTheSameEntries_collisionsIncluded_andStaysEditable() {
    Random random = new Random(5);
    Map<String, Integer> model = new HashMap<>();
    for (int i = 0; i < 5000; i++) {
      model.put(key(random), i);
    }
    PersistentHashMap<String, Integer> map = PersistentHashMap.copyOf(model);
    assertEquals(model, map);
    assertEquals(model.size(), map.size());
    for (String k : new ArrayList<>(model.keySet())) {
      if (random.nextBoolean()) {
        map = map.without(k);
        model.remove(k);
      }
    }
    map = map.with("AaAa", -1).with("BBBB", -2);
    model.put("AaAa", -1);
    model.put("BBBB", -2);
    assertEquals(model, map);
  }
}
