package org.apigw.router;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One uri index, the equivalent of one lua-resty-radixtree instance: exact uris in a hash map,
 * prefix keys in a {@link PrefixTrie}. Lookup: the exact bucket first; then the prefix buckets from
 * the longest key that is a prefix of the path to the shortest. Within a bucket the first entry (in
 * {@link RouteEntry#ORDER}) whose uri pattern and filters accept the request wins; if none does,
 * the search goes on with the next bucket.
 *
 * <p>Immutable once built; safe for concurrent lookups. A lookup allocates only the {@link Match}
 * (and the params map in the parameter router).
 */
final class UriIndex<T> {
  private final Map<String, RouteEntry<T>[]> exact;
  private final PrefixTrie<RouteEntry<T>[]> prefix;

  private UriIndex(Map<String, RouteEntry<T>[]> exact, PrefixTrie<RouteEntry<T>[]> prefix) {
    this.exact = exact;
    this.prefix = prefix;
  }

  Match<T> match(RequestView r, String path) {
    RouteEntry<T>[] bucket = exact.get(path);
    if (bucket != null) {
      for (RouteEntry<T> e : bucket) {
        if (e.accepts(r)) {
          return e.toMatch(path);
        }
      }
    }
    if (prefix == null) {
      return null;
    }
    for (PrefixTrie.Node<RouteEntry<T>[]> n = prefix.deepest(path); n != null; n = n.up) {
      for (RouteEntry<T> e : n.value) {
        if (e.pattern.matches(path) && e.accepts(r)) {
          return e.toMatch(path);
        }
      }
    }
    return null;
  }

  /** Collects entries, then sorts each bucket once. */
  static final class Builder<T> {
    private final Map<String, List<RouteEntry<T>>> exact = new HashMap<>();
    private final Map<String, List<RouteEntry<T>>> prefix = new HashMap<>();

    void add(RouteEntry<T> e) {
      (e.pattern.exact ? exact : prefix)
          .computeIfAbsent(e.pattern.key, k -> new ArrayList<>(1))
          .add(e);
    }

    UriIndex<T> build() {
      Map<String, RouteEntry<T>[]> ex = new HashMap<>((int) (exact.size() / 0.75f) + 1);
      for (Map.Entry<String, List<RouteEntry<T>>> b : exact.entrySet()) {
        ex.put(b.getKey(), sorted(b.getValue()));
      }
      PrefixTrie<RouteEntry<T>[]> trie = null;
      if (!prefix.isEmpty()) {
        trie = new PrefixTrie<>(false);
        for (Map.Entry<String, List<RouteEntry<T>>> b : prefix.entrySet()) {
          trie.put(b.getKey(), sorted(b.getValue()));
        }
        trie.freeze();
      }
      return new UriIndex<>(ex, trie);
    }

    @SuppressWarnings("unchecked")
    private static <T> RouteEntry<T>[] sorted(List<RouteEntry<T>> list) {
      RouteEntry<T>[] a = (RouteEntry<T>[]) list.toArray(new RouteEntry<?>[0]);
      if (a.length > 1) {
        java.util.Arrays.sort(a, RouteEntry.ORDER);
      }
      return a;
    }
  }
}
