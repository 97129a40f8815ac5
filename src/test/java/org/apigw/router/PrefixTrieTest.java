package org.apigw.router;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrefixTrieTest {

  static List<String> walk(PrefixTrie<String> t, String s) {
    List<String> out = new ArrayList<>();
    for (PrefixTrie.Node<String> n = t.deepest(s); n != null; n = n.up) {
      out.add(n.value);
    }
    return out;
  }

  @Test
  void deepest_thenUp_listsAllPrefixesLongestFirst() {
    PrefixTrie<String> t = new PrefixTrie<>(false);
    for (String k : new String[] {"/api/v1/", "/", "/api/", "/apx", "/api/v1/users/", "/b"}) {
      t.put(k, k);
    }
    t.freeze();
    assertEquals(6, t.size());
    assertEquals(List.of("/api/v1/users/", "/api/v1/", "/api/", "/"), walk(t, "/api/v1/users/9"));
    assertEquals(List.of("/api/", "/"), walk(t, "/api/v2"));
    assertEquals(List.of("/apx", "/"), walk(t, "/apxy"));
    assertEquals(List.of("/"), walk(t, "/ap"));
    assertEquals(List.of(), walk(t, "x"));
  }

  @Test
  void emptyKey_isRootAndMatchesEverything() {
    PrefixTrie<String> t = new PrefixTrie<>(false);
    t.put("", "root");
    t.put("ab", "ab");
    t.freeze();
    assertEquals(List.of("ab", "root"), walk(t, "abc"));
    assertEquals(List.of("root"), walk(t, ""));
  }

  @Test
  void splittingEdges_keepsValues() {
    PrefixTrie<String> t = new PrefixTrie<>(false);
    t.put("abcdef", "1");
    t.put("abcxyz", "2");
    t.put("abc", "3");
    t.put("ab", "4");
    t.freeze();
    assertEquals(List.of("1", "3", "4"), walk(t, "abcdefg"));
    assertEquals(List.of("2", "3", "4"), walk(t, "abcxyz"));
    assertEquals(List.of("4"), walk(t, "abd"));
    assertNull(t.deepest("a"));
  }

  @Test
  void manyChildren_useBinarySearch() {
    PrefixTrie<String> t = new PrefixTrie<>(false);
    for (char c = '0'; c <= 'z'; c++) {
      t.put("/" + c, "v" + c);
    }
    t.freeze();
    for (char c = '0'; c <= 'z'; c++) {
      assertEquals(List.of("v" + c), walk(t, "/" + c + "rest"));
    }
  }

  @Test
  void reverseTrie_matchesSuffixesLongestFirst() {
    PrefixTrie<String> t = new PrefixTrie<>(true);
    t.put(".foo.com", "foo");
    t.put(".com", "com");
    t.put(".bar.foo.com", "bar");
    t.put("", "any");
    t.freeze();
    assertEquals(List.of("bar", "foo", "com", "any"), walk(t, "a.bar.foo.com"));
    assertEquals(List.of("com", "any"), walk(t, "foo.com"));
    assertEquals(List.of("any"), walk(t, "foo.org"));
  }
}
