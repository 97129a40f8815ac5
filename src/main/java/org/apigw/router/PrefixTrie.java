package org.apigw.router;

import java.util.Arrays;

/**
 * A compressed (radix) trie of string keys, used to find every stored key that is a prefix of a
 * lookup string, longest first: {@link #deepest} walks down once and each node carries a link to
 * its nearest ancestor that holds a value ({@link Node#up}), so "walk up from the deepest match"
 * costs no allocation. Cost is O(length of the lookup string), independent of the number of keys.
 *
 * <p>A reverse trie compares keys against the lookup string from its end (host suffixes such as
 * {@code .foo.com}); its keys are still given in natural order to {@link #put}.
 *
 * <p>Built single-threaded, then {@link #freeze() frozen}; read-only and safe for concurrent
 * readers after it has been safely published.
 */
final class PrefixTrie<V> {

  static final class Node<V> {
    private String label; // edge label, in walk order
    private char[] keys = EMPTY_KEYS; // first char of each child's label, sorted
    private Node<V>[] kids = emptyKids();
    V value;
    /** Nearest proper ancestor holding a value, or null. */
    Node<V> up;

    Node(String label) {
      this.label = label;
    }

    Node<V> child(char c) {
      char[] k = keys;
      int n = k.length;
      if (n <= 8) {
        for (int i = 0; i < n; i++) {
          if (k[i] == c) {
            return kids[i];
          }
        }
        return null;
      }
      int i = Arrays.binarySearch(k, c);
      return i >= 0 ? kids[i] : null;
    }

    void addChild(Node<V> child) {
      char c = child.label.charAt(0);
      int pos = -Arrays.binarySearch(keys, c) - 1;
      char[] nk = new char[keys.length + 1];
      Node<V>[] nc = Arrays.copyOf(kids, kids.length + 1);
      System.arraycopy(keys, 0, nk, 0, pos);
      System.arraycopy(keys, pos, nk, pos + 1, keys.length - pos);
      System.arraycopy(kids, pos, nc, pos + 1, kids.length - pos);
      nk[pos] = c;
      nc[pos] = child;
      keys = nk;
      kids = nc;
    }

    void replaceChild(Node<V> old, Node<V> repl) {
      for (int i = 0; i < kids.length; i++) {
        if (kids[i] == old) {
          kids[i] = repl;
          keys[i] = repl.label.charAt(0);
          return;
        }
      }
      throw new IllegalStateException();
    }

    @SuppressWarnings("unchecked")
    private static <V> Node<V>[] emptyKids() {
      return (Node<V>[]) EMPTY_NODES;
    }
  }

  private static final char[] EMPTY_KEYS = new char[0];
  private static final Node<?>[] EMPTY_NODES = new Node<?>[0];

  private final Node<V> root = new Node<>("");
  private final boolean reverse;
  private int size;

  PrefixTrie(boolean reverse) {
    this.reverse = reverse;
  }

  int size() {
    return size;
  }

  /** Stores {@code value} under {@code key} (replacing any earlier value). */
  void put(String key, V value) {
    if (reverse) {
      char[] r = new char[key.length()];
      for (int k = 0; k < r.length; k++) {
        r[k] = key.charAt(r.length - 1 - k); // char-wise, to mirror deepest()'s walk
      }
      key = new String(r);
    }
    Node<V> node = root;
    int i = 0;
    while (true) {
      if (i == key.length()) {
        if (node.value == null) {
          size++;
        }
        node.value = value;
        return;
      }
      Node<V> child = node.child(key.charAt(i));
      if (child == null) {
        Node<V> leaf = new Node<>(key.substring(i));
        leaf.value = value;
        node.addChild(leaf);
        size++;
        return;
      }
      String label = child.label;
      int common = 0;
      int max = Math.min(label.length(), key.length() - i);
      while (common < max && label.charAt(common) == key.charAt(i + common)) {
        common++;
      }
      if (common < label.length()) {
        Node<V> mid = new Node<>(label.substring(0, common));
        child.label = label.substring(common);
        node.replaceChild(child, mid);
        mid.addChild(child);
        child = mid;
      }
      node = child;
      i += common;
    }
  }

  /** Links each node to its nearest valued ancestor; call once after the last {@link #put}. */
  PrefixTrie<V> freeze() {
    link(root, null);
    return this;
  }

  private static <V> void link(Node<V> node, Node<V> up) {
    // recursion depth is bounded by the key length, not the number of keys
    node.up = up;
    Node<V> nextUp = node.value != null ? node : up;
    for (Node<V> k : node.kids) {
      link(k, nextUp);
    }
  }

  /**
   * The node of the longest key that is a prefix (a suffix, for a reverse trie) of {@code s}, or
   * null; continue with {@link Node#up} for the next shorter one.
   */
  Node<V> deepest(String s) {
    Node<V> node = root;
    Node<V> best = root.value != null ? root : null;
    int len = s.length();
    int i = 0;
    if (!reverse) {
      while (i < len) {
        Node<V> child = node.child(s.charAt(i));
        if (child == null) {
          break;
        }
        String l = child.label;
        int ll = l.length();
        if (ll > len - i || !s.regionMatches(i, l, 0, ll)) {
          break;
        }
        i += ll;
        node = child;
        if (node.value != null) {
          best = node;
        }
      }
    } else {
      outer:
      while (i < len) {
        Node<V> child = node.child(s.charAt(len - 1 - i));
        if (child == null) {
          break;
        }
        String l = child.label;
        int ll = l.length();
        if (ll > len - i) {
          break;
        }
        for (int k = 1; k < ll; k++) {
          if (l.charAt(k) != s.charAt(len - 1 - i - k)) {
            break outer;
          }
        }
        i += ll;
        node = child;
        if (node.value != null) {
          best = node;
        }
      }
    }
    return best;
  }
}
