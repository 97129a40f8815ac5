package org.apigw.router;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable compressed (radix) trie of string keys, used to find every stored key that is a
 * prefix of a lookup string, longest first: {@link #longestFirst} walks down once and offers the
 * values to a {@link Probe} on the way back up, so the walk allocates nothing. Cost is O(length
 * of the lookup string), independent of the number of keys.
 *
 * <p>{@link #with} and {@link #without} return a new trie that copies only the nodes on the
 * key's path (at most one per edge of the key) and shares every other node with this one, so a
 * router can be patched for one route while the previous trie keeps serving unchanged. Nodes
 * hold no links to their ancestors for the same reason: a link would tie a shared subtree to one
 * version of its parents.
 *
 * <p>A reverse trie compares keys against the lookup string from its end (host suffixes such as
 * {@code .foo.com}); its keys are still given in natural order.
 *
 * <p>Immutable; safe for concurrent readers once safely published.
 */
final class PrefixTrie<V> {

  /** Tries one stored value during {@link #longestFirst}; a non-null result ends the walk. */
  @FunctionalInterface
  interface Probe<V, A, B, R> {
    R probe(V value, A a, B b);
  }

  private static final class Node<V> {
    final String label; // edge label, in walk order
    final char[] keys; // first char of each child's label, sorted
    final Node<V>[] kids;
    final V value; // null: no key ends here

    Node(String label, char[] keys, Node<V>[] kids, V value) {
      this.label = label;
      this.keys = keys;
      this.kids = kids;
      this.value = value;
    }

    int indexOf(char c) {
      char[] k = keys;
      int n = k.length;
      if (n <= 8) {
        for (int i = 0; i < n; i++) {
          if (k[i] == c) {
            return i;
          }
        }
        return -1;
      }
      int i = Arrays.binarySearch(k, c);
      return i >= 0 ? i : -1;
    }

    Node<V> withLabel(String l) {
      return new Node<>(l, keys, kids, value);
    }

    Node<V> withValue(V v) {
      return new Node<>(label, keys, kids, v);
    }

    Node<V> withKid(int i, Node<V> kid) {
      Node<V>[] nk = kids.clone();
      nk[i] = kid;
      return new Node<>(label, keys, nk, value);
    }

    Node<V> withNewKid(Node<V> kid) {
      char c = kid.label.charAt(0);
      int pos = -Arrays.binarySearch(keys, c) - 1;
      char[] k = new char[keys.length + 1];
      Node<V>[] n = Arrays.copyOf(kids, kids.length + 1);
      System.arraycopy(keys, 0, k, 0, pos);
      System.arraycopy(keys, pos, k, pos + 1, keys.length - pos);
      System.arraycopy(kids, pos, n, pos + 1, kids.length - pos);
      k[pos] = c;
      n[pos] = kid;
      return new Node<>(label, k, n, value);
    }

    Node<V> withoutKid(int i) {
      char[] k = new char[keys.length - 1];
      Node<V>[] n = Arrays.copyOf(kids, kids.length - 1);
      System.arraycopy(keys, 0, k, 0, i);
      System.arraycopy(keys, i + 1, k, i, keys.length - i - 1);
      System.arraycopy(kids, i + 1, n, i, kids.length - i - 1);
      return new Node<>(label, k, n, value);
    }
  }

  private static final char[] NO_KEYS = new char[0];
  private static final Node<?>[] NO_KIDS = new Node<?>[0];

  private final Node<V> root;
  private final boolean reverse;
  private final int size;

  private PrefixTrie(Node<V> root, boolean reverse, int size) {
    this.root = root;
    this.reverse = reverse;
    this.size = size;
  }

  private static final PrefixTrie<?> EMPTY = new PrefixTrie<>(leaf("", null), false, 0);
  private static final PrefixTrie<?> EMPTY_REVERSE = new PrefixTrie<>(leaf("", null), true, 0);

  /** @param reverse whether keys are suffixes, compared from the end of the lookup string */
  @SuppressWarnings("unchecked")
  static <V> PrefixTrie<V> empty(boolean reverse) {
    return (PrefixTrie<V>) (reverse ? EMPTY_REVERSE : EMPTY);
  }

  @SuppressWarnings("unchecked")
  private static <V> Node<V> leaf(String label, V value) {
    return new Node<>(label, NO_KEYS, (Node<V>[]) NO_KIDS, value);
  }

  /** A trie holding {@code values}, built in one pass over the sorted keys. */
  static <V> PrefixTrie<V> of(boolean reverse, Map<String, V> values) {
    PrefixTrie<V> empty = empty(reverse);
    if (values.isEmpty()) {
      return empty;
    }
    String[] keys = new String[values.size()];
    Map<String, V> byKey = new HashMap<>((int) (values.size() / 0.75f) + 1);
    int i = 0;
    for (Map.Entry<String, V> e : values.entrySet()) {
      String k = empty.walkOrder(e.getKey());
      keys[i++] = k;
      byKey.put(k, Objects.requireNonNull(e.getValue(), k));
    }
    Arrays.sort(keys);
    return new PrefixTrie<>(build(keys, byKey, 0, keys.length, 0, ""), reverse, keys.length);
  }

  /**
   * The node for {@code keys[from, to)}, which are sorted and share their first {@code depth}
   * chars; a key of exactly that length sorts first and is the node's own value.
   */
  private static <V> Node<V> build(String[] keys, Map<String, V> values, int from, int to, int depth, String label) {
    V value = null;
    if (from < to && keys[from].length() == depth) {
      value = values.get(keys[from]);
      from++;
    }
    List<Node<V>> kids = new ArrayList<>();
    int start = from;
    while (start < to) {
      char c = keys[start].charAt(depth);
      int end = start + 1;
      while (end < to && keys[end].charAt(depth) == c) {
        end++;
      }
      // in sorted order the group's common prefix is that of its first and last keys
      String first = keys[start];
      String last = keys[end - 1];
      int common = depth + 1;
      int max = Math.min(first.length(), last.length());
      while (common < max && first.charAt(common) == last.charAt(common)) {
        common++;
      }
      kids.add(build(keys, values, start, end, common, first.substring(depth, common)));
      start = end;
    }
    char[] k = new char[kids.size()];
    @SuppressWarnings("unchecked")
    Node<V>[] n = (Node<V>[]) kids.toArray(new Node<?>[0]);
    for (int j = 0; j < n.length; j++) {
      k[j] = n[j].label.charAt(0);
    }
    return new Node<>(label, k, n, value);
  }

  int size() {
    return size;
  }

  /** The value stored under exactly {@code key}, or null. */
  V get(String key) {
    String k = walkOrder(key);
    Node<V> node = root;
    int i = 0;
    while (i < k.length()) {
      int c = node.indexOf(k.charAt(i));
      if (c < 0) {
        return null;
      }
      node = node.kids[c];
      if (!k.startsWith(node.label, i)) {
        return null;
      }
      i += node.label.length();
    }
    return node.value;
  }

  /** This trie with {@code value} stored under {@code key} (replacing any earlier value). */
  PrefixTrie<V> with(String key, V value) {
    if (value == null) {
      throw new NullPointerException("null value for " + key);
    }
    boolean added = get(key) == null;
    return new PrefixTrie<>(put(root, walkOrder(key), 0, value), reverse, added ? size + 1 : size);
  }

  /** This trie without {@code key}; this very trie when it holds no such key. */
  PrefixTrie<V> without(String key) {
    if (get(key) == null) {
      return this;
    }
    Node<V> next = remove(root, walkOrder(key), 0);
    return new PrefixTrie<>(next == null ? leaf("", null) : next, reverse, size - 1);
  }

  private String walkOrder(String key) {
    if (!reverse) {
      return key;
    }
    char[] r = new char[key.length()];
    for (int k = 0; k < r.length; k++) {
      r[k] = key.charAt(r.length - 1 - k); // char-wise, to mirror longestFirst()'s walk
    }
    return new String(r);
  }

  /** {@code node} with {@code key} stored; {@code i} is where the key goes on past node's label. */
  private static <V> Node<V> put(Node<V> node, String key, int i, V value) {
    if (i == key.length()) {
      return node.withValue(value);
    }
    int c = node.indexOf(key.charAt(i));
    if (c < 0) {
      return node.withNewKid(leaf(key.substring(i), value));
    }
    Node<V> child = node.kids[c];
    String label = child.label;
    int common = 0;
    int max = Math.min(label.length(), key.length() - i);
    while (common < max && label.charAt(common) == key.charAt(i + common)) {
      common++;
    }
    if (common < label.length()) {
      // split the edge: a new node for the shared part, the old child below it
      Node<V> below = child.withLabel(label.substring(common));
      Node<V> mid = PrefixTrie.<V>leaf(label.substring(0, common), null).withNewKid(below);
      return node.withKid(c, put(mid, key, i + common, value));
    }
    return node.withKid(c, put(child, key, i + common, value));
  }

  /** {@code node} without {@code key}; null when nothing is left of it (never for the root). */
  private Node<V> remove(Node<V> node, String key, int i) {
    Node<V> next;
    if (i == key.length()) {
      next = node.withValue(null);
    } else {
      int c = node.indexOf(key.charAt(i));
      Node<V> child = node.kids[c];
      Node<V> kid = remove(child, key, i + child.label.length());
      next = kid == null ? node.withoutKid(c) : node.withKid(c, kid);
    }
    if (node == root || next.value != null) {
      return next;
    }
    // keep the trie compressed: a valueless node with one child merges into it, with none goes
    if (next.kids.length == 0) {
      return null;
    }
    if (next.kids.length == 1) {
      Node<V> only = next.kids[0];
      return only.withLabel(next.label + only.label);
    }
    return next;
  }

  /**
   * Offers the value of every stored key that is a prefix (a suffix, for a reverse trie) of
   * {@code s} to {@code probe}, longest key first, and returns the first non-null result, or
   * null. {@code a} and {@code b} are passed through, so the probe can be a constant.
   */
  <A, B, R> R longestFirst(String s, A a, B b, Probe<? super V, A, B, R> probe) {
    return reverse ? fromEnd(root, s, 0, a, b, probe) : fromStart(root, s, 0, a, b, probe);
  }

  // recursion depth is the number of trie edges on the path, bounded by the longest key
  private static <V, A, B, R> R fromStart(
      Node<V> node, String s, int i, A a, B b, Probe<? super V, A, B, R> probe) {
    if (i < s.length()) {
      int c = node.indexOf(s.charAt(i));
      if (c >= 0) {
        Node<V> child = node.kids[c];
        String l = child.label;
        if (s.startsWith(l, i)) {
          R r = fromStart(child, s, i + l.length(), a, b, probe);
          if (r != null) {
            return r;
          }
        }
      }
    }
    return node.value == null ? null : probe.probe(node.value, a, b);
  }

  private static <V, A, B, R> R fromEnd(
      Node<V> node, String s, int i, A a, B b, Probe<? super V, A, B, R> probe) {
    int len = s.length();
    if (i < len) {
      int c = node.indexOf(s.charAt(len - 1 - i));
      if (c >= 0) {
        Node<V> child = node.kids[c];
        String l = child.label;
        int ll = l.length();
        boolean matches = ll <= len - i;
        for (int k = 1; matches && k < ll; k++) {
          matches = l.charAt(k) == s.charAt(len - 1 - i - k);
        }
        if (matches) {
          R r = fromEnd(child, s, i + ll, a, b, probe);
          if (r != null) {
            return r;
          }
        }
      }
    }
    return node.value == null ? null : probe.probe(node.value, a, b);
  }
}
