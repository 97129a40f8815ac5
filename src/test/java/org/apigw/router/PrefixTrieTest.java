package org.apigw.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrefixTrieTest {

  /** Every value longestFirst offers for {@code s}, in order (the probe never stops the walk). */
  static List<String> walk(PrefixTrie<String> t, String s) {
    List<String> out = new ArrayList<>();
    t.longestFirst(s, out, null, (v, seen, unused) -> {
      seen.add(v);
      return null;
    });
    return out;
  }

  static PrefixTrie<String> trie(boolean reverse, String... keys) {
    PrefixTrie<String> t = PrefixTrie.empty(reverse);
    for (String k : keys) {
      t = t.with(k, k);
    }
    return t;
  }

  @Test
  void longestFirst_offersAllPrefixesLongestFirst() {
    PrefixTrie<String> t = trie(false, "/api/v1/", "/", "/api/", "/apx", "/api/v1/users/", "/b");
    assertEquals(6, t.size());
    assertEquals(List.of("/api/v1/users/", "/api/v1/", "/api/", "/"), walk(t, "/api/v1/users/9"));
    assertEquals(List.of("/api/", "/"), walk(t, "/api/v2"));
    assertEquals(List.of("/apx", "/"), walk(t, "/apxy"));
    assertEquals(List.of("/"), walk(t, "/ap"));
    assertEquals(List.of(), walk(t, "x"));
  }

  @Test
  void emptyKey_isRootAndMatchesEverything() {
    PrefixTrie<String> t = PrefixTrie.<String>empty(false).with("", "root").with("ab", "ab");
    assertEquals(List.of("ab", "root"), walk(t, "abc"));
    assertEquals(List.of("root"), walk(t, ""));
  }

  @Test
  void splittingEdges_keepsValues() {
    PrefixTrie<String> t =
        PrefixTrie.<String>empty(false).with("abcdef", "1").with("abcxyz", "2").with("abc", "3").with("ab", "4");
    assertEquals(List.of("1", "3", "4"), walk(t, "abcdefg"));
    assertEquals(List.of("2", "3", "4"), walk(t, "abcxyz"));
    assertEquals(List.of("4"), walk(t, "abd"));
    assertEquals(List.of(), walk(t, "a"));
    assertNull(t.get("a"));
    assertEquals("3", t.get("abc"));
  }

  @Test
  void manyChildren_useBinarySearch() {
    PrefixTrie<String> t = PrefixTrie.empty(false);
    for (char c = '0'; c <= 'z'; c++) {
      t = t.with("/" + c, "v" + c);
    }
    for (char c = '0'; c <= 'z'; c++) {
      assertEquals(List.of("v" + c), walk(t, "/" + c + "rest"));
    }
  }

  @Test
  void reverseTrie_matchesSuffixesLongestFirst() {
    PrefixTrie<String> t =
        PrefixTrie.<String>empty(true).with(".foo.com", "foo").with(".com", "com").with(".bar.foo.com", "bar").with("", "any");
    assertEquals(List.of("bar", "foo", "com", "any"), walk(t, "a.bar.foo.com"));
    assertEquals(List.of("com", "any"), walk(t, "foo.com"));
    assertEquals(List.of("any"), walk(t, "foo.org"));
  }

  @Test
  void without_removesOneKey_mergesEdges_andLeavesTheOldTrieAsItWas() {
    PrefixTrie<String> before = trie(false, "/a/", "/a/b/", "/a/bc/", "/x");
    PrefixTrie<String> after = before.without("/a/b/").without("/x").without("/nope");
    assertEquals(List.of("/a/bc/", "/a/"), walk(after, "/a/bc/d"));
    assertEquals(List.of("/a/"), walk(after, "/a/b/c"));
    assertEquals(List.of(), walk(after, "/x"));
    assertEquals(2, after.size());
    assertEquals(List.of("/a/b/", "/a/"), walk(before, "/a/b/c"), "the old version still serves");
    assertEquals(4, before.size());
    PrefixTrie<String> none = after.without("/a/").without("/a/bc/");
    assertEquals(0, none.size());
    assertEquals(List.of(), walk(none, "/a/bc/d"));
  }

  @Test
  void randomEdits_andBulkBuilds_findTheSamePrefixesAsABruteForceScan() {
    java.util.Random random = new java.util.Random(3);
    String[] alphabet = {"/", "a", "b", "ab", "/a", "c/"};
    java.util.TreeMap<String, String> model = new java.util.TreeMap<>();
    for (boolean reverse : new boolean[] {false, true}) {
      model.clear();
      PrefixTrie<String> t = PrefixTrie.empty(reverse);
      for (int step = 0; step < 3000; step++) {
        StringBuilder k = new StringBuilder();
        for (int n = random.nextInt(5); n > 0; n--) {
          k.append(alphabet[random.nextInt(alphabet.length)]);
        }
        String key = k.toString();
        if (random.nextInt(3) == 0) {
          t = t.without(key);
          model.remove(key);
        } else {
          t = t.with(key, key);
          model.put(key, key);
        }
        String probe = key + alphabet[random.nextInt(alphabet.length)];
        if (reverse) {
          probe = alphabet[random.nextInt(alphabet.length)] + key;
        }
        List<String> expected = new ArrayList<>();
        for (String stored : model.keySet()) {
          if (reverse ? probe.endsWith(stored) : probe.startsWith(stored)) {
            expected.add(stored);
          }
        }
        expected.sort((x, y) -> y.length() - x.length());
        assertEquals(expected, walk(t, probe), (reverse ? "suffixes of " : "prefixes of ") + probe);
        PrefixTrie<String> bulk = PrefixTrie.of(reverse, model);
        assertEquals(expected, walk(bulk, probe), "built in bulk: " + probe);
        assertEquals(walk(t.with("/a", "x"), probe), walk(bulk.with("/a", "x"), probe), "bulk-built, then edited");
        assertEquals(model.size(), t.size());
      }
    }
  }
}
