package org.apigw.router;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apigw.collect.PersistentHashMap;

/**
 * One uri index, the equivalent of one lua-resty-radixtree instance: exact uris in a hash map,
 * prefix keys in a {@link PrefixTrie}. Lookup: the exact bucket first; then the prefix buckets from
 * the longest key that is a prefix of the path to the shortest. Within a bucket the first entry (in
 * {@link RouteEntry#ORDER}) whose uri pattern and filters accept the request wins; if none does,
 * the search goes on with the next bucket.
 *
 * <p>A prefix bucket with many capture entries ({@code :name}, {@code *name}; more than {@link
 * #SEGMENT_INDEX_MIN}) also gets a {@link SegmentIndex} over the segments after the bucket key, so
 * a lookup evaluates only the entries whose pattern can match the path (plus the bucket's other
 * entries), still in {@link RouteEntry#ORDER}; the result is the same as scanning the bucket.
 *
 * <p>Immutable; safe for concurrent lookups. A lookup allocates only the {@link Match} (and the
 * params map in the parameter router), plus, in an indexed bucket, the candidate list and path
 * segment strings. {@link #edit} returns a new index that rebuilds only the buckets whose keys the
 * edit touches and shares the rest (both maps are persistent), so one changed route costs its own
 * buckets, not the whole index.
 */
final class UriIndex<T> {
  /** A prefix bucket gets a segment index when it holds more capture entries than this. */
  static final int SEGMENT_INDEX_MIN = 8;

  private static final UriIndex<?> EMPTY =
      new UriIndex<>(PersistentHashMap.empty(), PrefixTrie.empty(false));

  /** Matches the buckets {@link PrefixTrie#longestFirst} offers; a constant, so no allocation. */
  private static final PrefixTrie.Probe<Bucket<Object>, RequestView, String, Match<Object>> BUCKET =
      Bucket::match;

  private final PersistentHashMap<String, RouteEntry<T>[]> exact;
  private final PrefixTrie<Bucket<T>> prefix;

  private UriIndex(PersistentHashMap<String, RouteEntry<T>[]> exact, PrefixTrie<Bucket<T>> prefix) {
    this.exact = exact;
    this.prefix = prefix;
  }

  @SuppressWarnings("unchecked")
  static <T> UriIndex<T> empty() {
    return (UriIndex<T>) EMPTY;
  }

  boolean isEmpty() {
    return exact.isEmpty() && prefix.size() == 0;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  Match<T> match(RequestView r, String path) {
    RouteEntry<T>[] bucket = exact.get(path);
    if (bucket != null) {
      for (RouteEntry<T> e : bucket) {
        if (e.accepts(r)) {
          return e.toMatch(path);
        }
      }
    }
    if (prefix.size() == 0) {
      return null;
    }
    return (Match<T>) prefix.longestFirst(path, r, path, (PrefixTrie.Probe) BUCKET);
  }

  /**
   * This index with {@code removed} entries taken out (by identity) and {@code added} put in;
   * only the buckets of their keys are rebuilt.
   */
  UriIndex<T> edit(Collection<RouteEntry<T>> removed, Collection<RouteEntry<T>> added) {
    if (isEmpty()) {
      return build(added); // nothing to remove from: a first build
    }
    Map<String, BucketEdit<T>> exactEdits = new HashMap<>();
    Map<String, BucketEdit<T>> prefixEdits = new HashMap<>();
    for (RouteEntry<T> e : removed) {
      (e.pattern.exact ? exactEdits : prefixEdits).computeIfAbsent(e.pattern.key, k -> new BucketEdit<>()).remove(e);
    }
    for (RouteEntry<T> e : added) {
      (e.pattern.exact ? exactEdits : prefixEdits).computeIfAbsent(e.pattern.key, k -> new BucketEdit<>()).add(e);
    }
    PersistentHashMap<String, RouteEntry<T>[]> ex = exact;
    for (Map.Entry<String, BucketEdit<T>> b : exactEdits.entrySet()) {
      RouteEntry<T>[] now = b.getValue().applyTo(ex.get(b.getKey()));
      ex = now.length == 0 ? ex.without(b.getKey()) : ex.with(b.getKey(), now);
    }
    PrefixTrie<Bucket<T>> trie = prefix;
    for (Map.Entry<String, BucketEdit<T>> b : prefixEdits.entrySet()) {
      Bucket<T> old = trie.get(b.getKey());
      RouteEntry<T>[] now = b.getValue().applyTo(old == null ? null : old.entries);
      trie = now.length == 0 ? trie.without(b.getKey()) : trie.with(b.getKey(), new Bucket<>(b.getKey(), now));
    }
    return new UriIndex<>(ex, trie);
  }

  /** An index of {@code entries}, every map built in one pass (a path copy per key would not pay). */
  @SuppressWarnings("unchecked")
  private static <T> UriIndex<T> build(Collection<RouteEntry<T>> entries) {
    if (entries.isEmpty()) {
      return empty();
    }
    if (entries.size() == 1) {
      // one route's uri, e.g. the index of a host only it serves: skip the grouping maps
      RouteEntry<T> only = entries.iterator().next();
      RouteEntry<T>[] bucket = (RouteEntry<T>[]) new RouteEntry<?>[] {only};
      String key = only.pattern.key;
      if (only.pattern.exact) {
        return new UriIndex<>(
            PersistentHashMap.<String, RouteEntry<T>[]>empty().with(key, bucket), PrefixTrie.empty(false));
      }
      return new UriIndex<>(
          PersistentHashMap.empty(), PrefixTrie.<Bucket<T>>empty(false).with(key, new Bucket<>(key, bucket)));
    }
    Map<String, List<RouteEntry<T>>> exact = new HashMap<>();
    Map<String, List<RouteEntry<T>>> prefix = new HashMap<>();
    for (RouteEntry<T> e : entries) {
      (e.pattern.exact ? exact : prefix).computeIfAbsent(e.pattern.key, k -> new ArrayList<>(1)).add(e);
    }
    Map<String, RouteEntry<T>[]> ex = new HashMap<>((int) (exact.size() / 0.75f) + 1);
    exact.forEach((key, bucket) -> ex.put(key, sorted(bucket)));
    Map<String, Bucket<T>> buckets = new HashMap<>((int) (prefix.size() / 0.75f) + 1);
    prefix.forEach((key, bucket) -> buckets.put(key, new Bucket<>(key, sorted(bucket))));
    return new UriIndex<>(PersistentHashMap.copyOf(ex), PrefixTrie.of(false, buckets));
  }

  @SuppressWarnings("unchecked")
  private static <T> RouteEntry<T>[] sorted(List<RouteEntry<T>> list) {
    RouteEntry<T>[] a = (RouteEntry<T>[]) list.toArray(new RouteEntry<?>[0]);
    if (a.length > 1) {
      Arrays.sort(a, RouteEntry.ORDER);
    }
    return a;
  }

  /** What one edit does to one bucket: entries out (by identity), entries in, then re-sort. */
  private static final class BucketEdit<T> {
    private Set<RouteEntry<T>> removed = Set.of(); // replaced on the first removal
    private final List<RouteEntry<T>> added = new ArrayList<>(1);

    void remove(RouteEntry<T> e) {
      if (removed.isEmpty()) {
        removed = Collections.newSetFromMap(new IdentityHashMap<>());
      }
      removed.add(e);
    }

    void add(RouteEntry<T> e) {
      added.add(e);
    }

    @SuppressWarnings("unchecked")
    RouteEntry<T>[] applyTo(RouteEntry<T>[] old) {
      List<RouteEntry<T>> kept = new ArrayList<>((old == null ? 0 : old.length) + added.size());
      if (old != null) {
        for (RouteEntry<T> e : old) {
          if (!removed.contains(e)) {
            kept.add(e);
          }
        }
      }
      kept.addAll(added);
      RouteEntry<T>[] a = (RouteEntry<T>[]) kept.toArray(new RouteEntry<?>[0]);
      if (a.length > 1) {
        Arrays.sort(a, RouteEntry.ORDER); // kept entries are one sorted run: near-linear
      }
      return a;
    }
  }

  /** The entries of one prefix key, sorted by {@link RouteEntry#ORDER}, maybe segment-indexed. */
  static final class Bucket<T> {
    final String key;
    final RouteEntry<T>[] entries;
    private final SegmentIndex index; // null: scan entries linearly
    private final int[] always; // positions of entries not in the index, ascending

    Bucket(String key, RouteEntry<T>[] entries) {
      this.key = key;
      this.entries = entries;
      SegmentIndex idx = null;
      int[] alw = null;
      if (key.isEmpty() || key.charAt(key.length() - 1) == '/') {
        int captures = 0;
        for (RouteEntry<T> e : entries) {
          if (e.pattern.hasCaptures()) {
            captures++;
          }
        }
        if (captures > SEGMENT_INDEX_MIN) {
          idx = new SegmentIndex();
          int[] a = new int[entries.length - captures];
          int k = 0;
          for (int pos = 0; pos < entries.length; pos++) {
            PathPattern p = entries[pos].pattern;
            if (p.hasCaptures()) {
              idx.add(p.uri.substring(key.length()), p.paramSegments(), pos);
            } else {
              a[k++] = pos;
            }
          }
          alw = a;
        }
      }
      this.index = idx;
      this.always = alw;
    }

    Match<T> match(RequestView r, String path) {
      if (index == null) {
        for (RouteEntry<T> e : entries) {
          if (e.pattern.matches(path) && e.accepts(r)) {
            return e.toMatch(path);
          }
        }
        return null;
      }
      Candidates c = new Candidates(always);
      index.collect(path, key.length(), c);
      int[] pos = c.sorted();
      for (int i = 0; i < c.size; i++) {
        RouteEntry<T> e = entries[pos[i]];
        if (e.pattern.matches(path) && e.accepts(r)) {
          return e.toMatch(path);
        }
      }
      return null;
    }
  }

  /** Bucket positions collected during one lookup. */
  static final class Candidates {
    int[] pos;
    int size;

    Candidates(int[] always) {
      pos = Arrays.copyOf(always, Math.max(always.length + 8, 8));
      size = always.length;
    }

    void addAll(int[] ps, int n) {
      if (size + n > pos.length) {
        pos = Arrays.copyOf(pos, Math.max(pos.length * 2, size + n));
      }
      System.arraycopy(ps, 0, pos, size, n);
      size += n;
    }

    int[] sorted() {
      Arrays.sort(pos, 0, size);
      return pos;
    }
  }

  /**
   * A segment trie over the part of capture uris after their bucket key (which ends with {@code /}
   * or is empty, so that part starts at a segment): literal children by segment text, one child
   * for {@code :name} segments (matches one non-empty segment), and at each node the entries that
   * end there and the entries whose next segment is {@code *name} (matches any rest: candidates
   * whenever the walk reaches the node with a segment left). It over-approximates: every entry
   * whose pattern matches the path is collected; candidates are still checked with {@link
   * PathPattern#matches}.
   */
  static final class SegmentIndex {
    private static final int[] NONE = new int[0];

    private static final class Node {
      Map<String, Node> lits; // null when none
      Node param;
      int[] ends = NONE;
      int endCount;
      int[] stars = NONE;
      int starCount;
    }

    private final Node root = new Node();

    /**
     * @param rest the uri after the bucket key, split on {@code /} into segments
     * @param params whether {@code :name} segments are parameters
     */
    void add(String rest, boolean params, int pos) {
      Node n = root;
      int i = 0;
      int len = rest.length();
      while (true) {
        int end = rest.indexOf('/', i);
        if (end < 0) {
          end = len;
        }
        String seg = rest.substring(i, end);
        if (seg.startsWith("*")) {
          n.stars = push(n.stars, n.starCount++, pos);
          return;
        }
        if (params && seg.startsWith(":")) {
          if (n.param == null) {
            n.param = new Node();
          }
          n = n.param;
        } else {
          if (n.lits == null) {
            n.lits = new HashMap<>();
          }
          n = n.lits.computeIfAbsent(seg, k -> new Node());
        }
        if (end == len) {
          n.ends = push(n.ends, n.endCount++, pos);
          return;
        }
        i = end + 1;
      }
    }

    private static int[] push(int[] a, int n, int v) {
      if (n == a.length) {
        a = Arrays.copyOf(a, Math.max(2, n * 2));
      }
      a[n] = v;
      return a;
    }

    /** Adds the positions of entries that may match {@code path} from {@code from} on. */
    void collect(String path, int from, Candidates out) {
      walk(root, path, from, out);
    }

    private static void walk(Node n, String path, int i, Candidates out) {
      // invariant: i is the start of a segment of path (i <= path.length())
      if (n.starCount > 0) {
        out.addAll(n.stars, n.starCount);
      }
      int end = path.indexOf('/', i);
      boolean last = end < 0;
      if (last) {
        end = path.length();
      }
      Node lit = n.lits == null ? null : n.lits.get(path.substring(i, end));
      if (lit != null) {
        step(lit, path, end, last, out);
      }
      if (n.param != null && end > i) {
        step(n.param, path, end, last, out);
      }
    }

    private static void step(Node n, String path, int end, boolean last, Candidates out) {
      if (last) {
        if (n.endCount > 0) {
          out.addAll(n.ends, n.endCount);
        }
      } else {
        walk(n, path, end + 1, out);
      }
    }
  }
}
