package org.apigw.collect;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable hash map whose {@link #with} and {@link #without} return a new map that shares
 * all but O(log32 n) nodes with this one (a hash array mapped trie, as in Clojure and Scala).
 * Config indexes use it so that one changed key costs a few small array copies, not a copy of a
 * 100k-entry map, while every published index stays immutable.
 *
 * <p>Lookups walk at most 7 levels of 32-way bitmap nodes (in practice 3 or 4 at 100k keys) and
 * allocate nothing. Keys and values must not be null. The {@link Map} mutators throw; equality
 * and hashing are {@link AbstractMap}'s. Value-based: do not compare with {@code ==} or
 * synchronise on it.
 */
public final class PersistentHashMap<K, V> extends AbstractMap<K, V> {

  private static final PersistentHashMap<?, ?> EMPTY = new PersistentHashMap<>(BitmapNode.EMPTY, 0);

  private final Node root;
  private final int size;

  private PersistentHashMap(Node root, int size) {
    this.root = root;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  public static <K, V> PersistentHashMap<K, V> empty() {
    return (PersistentHashMap<K, V>) EMPTY;
  }

  /** A map holding {@code source}'s entries, built in one pass. */
  public static <K, V> PersistentHashMap<K, V> copyOf(Map<? extends K, ? extends V> source) {
    if (source instanceof PersistentHashMap) {
      @SuppressWarnings("unchecked")
      PersistentHashMap<K, V> same = (PersistentHashMap<K, V>) source;
      return same;
    }
    if (source.size() <= 8) {
      PersistentHashMap<K, V> out = empty(); // too small for the bulk pass's bookkeeping to pay
      for (Map.Entry<? extends K, ? extends V> e : source.entrySet()) {
        out = out.with(e.getKey(), e.getValue());
      }
      return out;
    }
    // built bottom-up in one pass: n inserts would copy a path of arrays each
    int n = source.size();
    Object[] keys = new Object[n];
    Object[] values = new Object[n];
    int[] hashes = new int[n];
    int i = 0;
    for (Map.Entry<? extends K, ? extends V> e : source.entrySet()) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new NullPointerException("null key or value");
      }
      keys[i] = e.getKey();
      values[i] = e.getValue();
      hashes[i] = hash(e.getKey());
      i++;
    }
    int[] order = new int[n];
    for (int k = 0; k < n; k++) {
      order[k] = k;
    }
    return new PersistentHashMap<>(bulk(keys, values, hashes, order, new int[n], 0, n, 0), n);
  }

  /**
   * A bitmap node over the entries {@code order[from, to)} (indexes into the arrays) at {@code
   * shift}: a counting sort groups them by hash chunk in place ({@code scratch} is as long as
   * {@code order}), then each group of two or more becomes a child.
   */
  private static BitmapNode bulk(
      Object[] keys, Object[] values, int[] hashes, int[] order, int[] scratch, int from, int to, int shift) {
    int[] starts = new int[33];
    for (int i = from; i < to; i++) {
      starts[((hashes[order[i]] >>> shift) & 31) + 1]++;
    }
    int bitmap = 0;
    for (int c = 0; c < 32; c++) {
      if (starts[c + 1] > 0) {
        bitmap |= 1 << c;
      }
      starts[c + 1] += starts[c];
    }
    int[] next = starts.clone();
    for (int i = from; i < to; i++) {
      int m = order[i];
      scratch[from + next[(hashes[m] >>> shift) & 31]++] = m;
    }
    System.arraycopy(scratch, from, order, from, to - from);
    Object[] array = new Object[2 * Integer.bitCount(bitmap)];
    int slot = 0;
    for (int c = 0; c < 32; c++) {
      int lo = from + starts[c];
      int hi = from + starts[c + 1];
      if (lo == hi) {
        continue;
      }
      if (hi - lo == 1) {
        array[slot] = keys[order[lo]];
        array[slot + 1] = values[order[lo]];
      } else if (sameHash(hashes, order, lo, hi)) {
        Object[] pairs = new Object[2 * (hi - lo)];
        for (int g = lo; g < hi; g++) {
          pairs[2 * (g - lo)] = keys[order[g]];
          pairs[2 * (g - lo) + 1] = values[order[g]];
        }
        array[slot + 1] = new CollisionNode(hashes[order[lo]], pairs);
      } else {
        array[slot + 1] = bulk(keys, values, hashes, order, scratch, lo, hi, shift + 5);
      }
      slot += 2;
    }
    return new BitmapNode(bitmap, array);
  }

  private static boolean sameHash(int[] hashes, int[] order, int lo, int hi) {
    for (int g = lo + 1; g < hi; g++) {
      if (hashes[order[g]] != hashes[order[lo]]) {
        return false;
      }
    }
    return true;
  }
  @Override
  public int size() {
    return size;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    return key == null ? null : (V) root.find(key, hash(key), 0);
  }

  @Override
  public boolean containsKey(Object key) {
    return get(key) != null;
  }

  /** This map with {@code key} mapped to {@code value}; this very map when it already is. */
  public PersistentHashMap<K, V> with(K key, V value) {
    if (key == null || value == null) {
      throw new NullPointerException("null key or value");
    }
    Object old = root.find(key, hash(key), 0);
    if (old == value) {
      return this;
    }
    Node next = root.with(key, hash(key), 0, value);
    return new PersistentHashMap<>(next, old == null ? size + 1 : size);
  }

  /** This map without {@code key}; this very map when it has no such key. */
  public PersistentHashMap<K, V> without(Object key) {
    if (key == null || root.find(key, hash(key), 0) == null) {
      return this;
    }
    Node next = root.without(key, hash(key), 0);
    return next == null ? empty() : new PersistentHashMap<>(next, size - 1);
  }

  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<K, V>> iterator() {
        return new Entries<>(root);
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  private static int hash(Object key) {
    int h = key.hashCode();
    return h ^ (h >>> 16);
  }

  /** Both node kinds keep their slots as one flat {key, value, key, value, ...} array. */
  private abstract static class Node {
    final Object[] array;

    Node(Object[] array) {
      this.array = array;
    }

    abstract Object find(Object key, int hash, int shift);

    abstract Node with(Object key, int hash, int shift, Object value);

    /** Null when the node ends up empty. */
    abstract Node without(Object key, int hash, int shift);

    /** Number of slots; a slot is a key/value pair or a child node. */
    final int slots() {
      return array.length / 2;
    }

    final Object keyAt(int slot) { // null when the slot is a child node
      return array[2 * slot];
    }

    final Object valueAt(int slot) { // the child node when keyAt is null
      return array[2 * slot + 1];
    }
  }

  /**
   * Up to 32 slots, one per 5-bit chunk of the hash present in {@code bitmap}; {@code array}
   * holds {key, value} per slot, or {null, child} when several keys share the chunk.
   */
  private static final class BitmapNode extends Node {
    static final BitmapNode EMPTY = new BitmapNode(0, new Object[0]);

    final int bitmap;

    BitmapNode(int bitmap, Object[] array) {
      super(array);
      this.bitmap = bitmap;
    }

    @Override
    Object find(Object key, int hash, int shift) {
      int bit = 1 << ((hash >>> shift) & 31);
      if ((bitmap & bit) == 0) {
        return null;
      }
      int i = 2 * Integer.bitCount(bitmap & (bit - 1));
      Object k = array[i];
      if (k == null) {
        return ((Node) array[i + 1]).find(key, hash, shift + 5);
      }
      return key.equals(k) ? array[i + 1] : null;
    }

    @Override
    Node with(Object key, int hash, int shift, Object value) {
      int bit = 1 << ((hash >>> shift) & 31);
      int i = 2 * Integer.bitCount(bitmap & (bit - 1));
      if ((bitmap & bit) == 0) {
        Object[] a = new Object[array.length + 2];
        System.arraycopy(array, 0, a, 0, i);
        a[i] = key;
        a[i + 1] = value;
        System.arraycopy(array, i, a, i + 2, array.length - i);
        return new BitmapNode(bitmap | bit, a);
      }
      Object k = array[i];
      Object v = array[i + 1];
      if (k == null) {
        return replaced(i + 1, ((Node) v).with(key, hash, shift + 5, value));
      }
      if (key.equals(k)) {
        return replaced(i + 1, value);
      }
      Object[] a = array.clone();
      a[i] = null;
      a[i + 1] = pair(k, hash(k), v, key, hash, value, shift + 5);
      return new BitmapNode(bitmap, a);
    }

    private BitmapNode replaced(int index, Object value) {
      Object[] a = array.clone();
      a[index] = value;
      return new BitmapNode(bitmap, a);
    }

    private static Node pair(Object k1, int h1, Object v1, Object k2, int h2, Object v2, int shift) {
      if (h1 == h2) {
        return new CollisionNode(h1, new Object[] {k1, v1, k2, v2});
      }
      return EMPTY.with(k1, h1, shift, v1).with(k2, h2, shift, v2);
    }

    @Override
    Node without(Object key, int hash, int shift) {
      int bit = 1 << ((hash >>> shift) & 31);
      if ((bitmap & bit) == 0) {
        return this;
      }
      int i = 2 * Integer.bitCount(bitmap & (bit - 1));
      Object k = array[i];
      if (k == null) {
        Node child = (Node) array[i + 1];
        Node next = child.without(key, hash, shift + 5);
        if (next == child) {
          return this;
        }
        if (next == null) {
          return removed(bit, i);
        }
        if (next.slots() == 1 && next.keyAt(0) != null) {
          // a child left with one pair is folded back in, so removals keep the trie shallow
          Object[] a = array.clone();
          a[i] = next.keyAt(0);
          a[i + 1] = next.valueAt(0);
          return new BitmapNode(bitmap, a);
        }
        return replaced(i + 1, next);
      }
      return key.equals(k) ? removed(bit, i) : this;
    }

    private Node removed(int bit, int i) {
      if (array.length == 2) {
        return null;
      }
      Object[] a = new Object[array.length - 2];
      System.arraycopy(array, 0, a, 0, i);
      System.arraycopy(array, i + 2, a, i, array.length - i - 2);
      return new BitmapNode(bitmap & ~bit, a);
    }
  }

  /** Keys whose 32-bit hashes are all equal: a flat {key, value, ...} array. */
  private static final class CollisionNode extends Node {
    final int hash;

    CollisionNode(int hash, Object[] array) {
      super(array);
      this.hash = hash;
    }

    private int indexOf(Object key) {
      for (int i = 0; i < array.length; i += 2) {
        if (key.equals(array[i])) {
          return i;
        }
      }
      return -1;
    }

    @Override
    Object find(Object key, int hash, int shift) {
      int i = indexOf(key);
      return i < 0 ? null : array[i + 1];
    }

    @Override
    Node with(Object key, int hash, int shift, Object value) {
      if (hash != this.hash) {
        // a key with another hash reached this depth: push the collisions one level down
        int bit = 1 << ((this.hash >>> shift) & 31);
        return new BitmapNode(bit, new Object[] {null, this}).with(key, hash, shift, value);
      }
      int i = indexOf(key);
      Object[] a;
      if (i < 0) {
        a = java.util.Arrays.copyOf(array, array.length + 2);
        a[array.length] = key;
        a[array.length + 1] = value;
      } else {
        a = array.clone();
        a[i + 1] = value;
      }
      return new CollisionNode(hash, a);
    }

    @Override
    Node without(Object key, int hash, int shift) {
      int i = indexOf(key);
      if (i < 0) {
        return this;
      }
      if (array.length == 2) {
        return null;
      }
      Object[] a = new Object[array.length - 2];
      System.arraycopy(array, 0, a, 0, i);
      System.arraycopy(array, i + 2, a, i, array.length - i - 2);
      return new CollisionNode(hash, a);
    }
  }

  /** Depth-first over the trie with an explicit stack (depth is at most 8). */
  private static final class Entries<K, V> implements Iterator<Map.Entry<K, V>> {
    private final Node[] nodes = new Node[9];
    private final int[] positions = new int[9];
    private int depth;
    private Map.Entry<K, V> next;

    Entries(Node root) {
      nodes[0] = root;
      advance();
    }

    @SuppressWarnings("unchecked")
    private void advance() {
      next = null;
      while (depth >= 0) {
        Node n = nodes[depth];
        int p = positions[depth];
        if (p == n.slots()) {
          depth--;
          continue;
        }
        positions[depth] = p + 1;
        Object k = n.keyAt(p);
        if (k == null) {
          depth++;
          nodes[depth] = (Node) n.valueAt(p);
          positions[depth] = 0;
          continue;
        }
        next = new SimpleImmutableEntry<>((K) k, (V) n.valueAt(p));
        return;
      }
    }

    @Override
    public boolean hasNext() {
      return next != null;
    }

    @Override
    public Map.Entry<K, V> next() {
      if (next == null) {
        throw new NoSuchElementException();
      }
      Map.Entry<K, V> out = next;
      advance();
      return out;
    }
  }
}
