package org.apigw.collect;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable sorted map (keys in natural order) whose {@link #with} and {@link #without}
 * return a new map sharing all but the O(log n) nodes on the changed key's path: a persistent AVL
 * tree. The config store keeps each resource type in one, so applying one change to a type
 * holding 100k keys does not copy the other 99,999.
 *
 * <p>Reads ({@link #get}, iteration in key order, {@link #firstKey}, {@link #lastKey}) need no
 * copy; {@link #subMap}, {@link #headMap} and {@link #tailMap} return an unmodifiable copy of the
 * range (nothing on a hot path asks for one). Keys and values must not be null. The {@link Map}
 * mutators throw. Value-based: do not compare with {@code ==} or synchronise on it.
 */
public final class PersistentSortedMap<K extends Comparable<? super K>, V> extends AbstractMap<K, V>
    implements SortedMap<K, V> {

  private static final PersistentSortedMap<?, ?> EMPTY = new PersistentSortedMap<>(null, 0);

  private final Node<K, V> root; // null when empty
  private final int size;

  private PersistentSortedMap(Node<K, V> root, int size) {
    this.root = root;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  public static <K extends Comparable<? super K>, V> PersistentSortedMap<K, V> empty() {
    return (PersistentSortedMap<K, V>) EMPTY;
  }

  /** A map holding {@code source}'s entries. */
  public static <K extends Comparable<? super K>, V> PersistentSortedMap<K, V> copyOf(
      Map<? extends K, ? extends V> source) {
    if (source instanceof PersistentSortedMap) {
      @SuppressWarnings("unchecked")
      PersistentSortedMap<K, V> same = (PersistentSortedMap<K, V>) source;
      return same;
    }
    if (source instanceof SortedMap && ((SortedMap<?, ?>) source).comparator() == null) {
      return ofSorted(source); // already in natural order: build balanced in one pass
    }
    PersistentSortedMap<K, V> out = empty();
    for (Map.Entry<? extends K, ? extends V> e : source.entrySet()) {
      out = out.with(e.getKey(), e.getValue());
    }
    return out;
  }

  @SuppressWarnings("unchecked")
  private static <K extends Comparable<? super K>, V> PersistentSortedMap<K, V> ofSorted(
      Map<? extends K, ? extends V> sorted) {
    if (sorted.isEmpty()) {
      return empty();
    }
    Map.Entry<K, V>[] entries = sorted.entrySet().toArray(new Map.Entry[0]);
    for (Map.Entry<K, V> e : entries) {
      if (e.getKey() == null || e.getValue() == null) {
        throw new NullPointerException("null key or value");
      }
    }
    return new PersistentSortedMap<>(balanced(entries, 0, entries.length), entries.length);
  }

  /** Halves differ in size by at most one, so heights do too: a valid AVL tree. */
  private static <K, V> Node<K, V> balanced(Map.Entry<K, V>[] entries, int from, int to) {
    if (from == to) {
      return null;
    }
    int mid = (from + to) >>> 1;
    return new Node<>(
        entries[mid].getKey(), entries[mid].getValue(), balanced(entries, from, mid), balanced(entries, mid + 1, to));
  }

  private static final class Node<K, V> {
    final K key;
    final V value;
    final Node<K, V> left;
    final Node<K, V> right;
    final int height;

    Node(K key, V value, Node<K, V> left, Node<K, V> right) {
      this.key = key;
      this.value = value;
      this.left = left;
      this.right = right;
      this.height = Math.max(height(left), height(right)) + 1;
    }
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public V get(Object key) {
    Node<K, V> n = find(key);
    return n == null ? null : n.value;
  }

  @Override
  public boolean containsKey(Object key) {
    return find(key) != null;
  }

  @SuppressWarnings("unchecked")
  private Node<K, V> find(Object key) {
    if (key == null) {
      return null;
    }
    K k = (K) key;
    Node<K, V> n = root;
    while (n != null) {
      int c = k.compareTo(n.key);
      if (c == 0) {
        return n;
      }
      n = c < 0 ? n.left : n.right;
    }
    return null;
  }

  /** This map with {@code key} mapped to {@code value}; this very map when it already is. */
  public PersistentSortedMap<K, V> with(K key, V value) {
    if (key == null || value == null) {
      throw new NullPointerException("null key or value");
    }
    Node<K, V> old = find(key);
    if (old != null && old.value == value) {
      return this;
    }
    return new PersistentSortedMap<>(put(root, key, value), old == null ? size + 1 : size);
  }

  /** This map without {@code key}; this very map when it has no such key. */
  public PersistentSortedMap<K, V> without(Object key) {
    Node<K, V> old = find(key);
    if (old == null) {
      return this;
    }
    return size == 1 ? empty() : new PersistentSortedMap<>(remove(root, old.key), size - 1);
  }

  private static <K extends Comparable<? super K>, V> Node<K, V> put(Node<K, V> n, K key, V value) {
    if (n == null) {
      return new Node<>(key, value, null, null);
    }
    int c = key.compareTo(n.key);
    if (c == 0) {
      return new Node<>(key, value, n.left, n.right);
    }
    return c < 0
        ? balance(n.key, n.value, put(n.left, key, value), n.right)
        : balance(n.key, n.value, n.left, put(n.right, key, value));
  }

  private static <K extends Comparable<? super K>, V> Node<K, V> remove(Node<K, V> n, K key) {
    int c = key.compareTo(n.key);
    if (c < 0) {
      return balance(n.key, n.value, remove(n.left, key), n.right);
    }
    if (c > 0) {
      return balance(n.key, n.value, n.left, remove(n.right, key));
    }
    if (n.left == null) {
      return n.right;
    }
    if (n.right == null) {
      return n.left;
    }
    Node<K, V> successor = n.right;
    while (successor.left != null) {
      successor = successor.left;
    }
    return balance(successor.key, successor.value, n.left, remove(n.right, successor.key));
  }

  private static int height(Node<?, ?> n) {
    return n == null ? 0 : n.height;
  }

  /** A node over two subtrees whose heights differ by at most 2, rotated back to AVL shape. */
  private static <K, V> Node<K, V> balance(K key, V value, Node<K, V> left, Node<K, V> right) {
    int lh = height(left);
    int rh = height(right);
    if (lh > rh + 1) {
      if (height(left.left) >= height(left.right)) {
        return new Node<>(left.key, left.value, left.left, new Node<>(key, value, left.right, right));
      }
      Node<K, V> lr = left.right;
      return new Node<>(
          lr.key, lr.value,
          new Node<>(left.key, left.value, left.left, lr.left),
          new Node<>(key, value, lr.right, right));
    }
    if (rh > lh + 1) {
      if (height(right.right) >= height(right.left)) {
        return new Node<>(right.key, right.value, new Node<>(key, value, left, right.left), right.right);
      }
      Node<K, V> rl = right.left;
      return new Node<>(
          rl.key, rl.value,
          new Node<>(key, value, left, rl.left),
          new Node<>(right.key, right.value, rl.right, right.right));
    }
    return new Node<>(key, value, left, right);
  }

  @Override
  public Set<Map.Entry<K, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Map.Entry<K, V>> iterator() {
        return new InOrder<>(root);
      }

      @Override
      public int size() {
        return size;
      }
    };
  }

  /** In-order walk with an explicit stack; an AVL tree of n keys is under 1.45 log2(n) deep. */
  private static final class InOrder<K, V> implements Iterator<Map.Entry<K, V>> {
    private final Node<K, V>[] stack;
    private int top;

    @SuppressWarnings("unchecked")
    InOrder(Node<K, V> root) {
      stack = (Node<K, V>[]) new Node<?, ?>[height(root) + 1];
      pushLeft(root);
    }

    private void pushLeft(Node<K, V> n) {
      for (; n != null; n = n.left) {
        stack[top++] = n;
      }
    }

    @Override
    public boolean hasNext() {
      return top > 0;
    }

    @Override
    public Map.Entry<K, V> next() {
      if (top == 0) {
        throw new NoSuchElementException();
      }
      Node<K, V> n = stack[--top];
      pushLeft(n.right);
      return new SimpleImmutableEntry<>(n.key, n.value);
    }
  }

  @Override
  public Comparator<? super K> comparator() {
    return null; // natural order
  }

  @Override
  public K firstKey() {
    if (root == null) {
      throw new NoSuchElementException();
    }
    Node<K, V> n = root;
    while (n.left != null) {
      n = n.left;
    }
    return n.key;
  }

  @Override
  public K lastKey() {
    if (root == null) {
      throw new NoSuchElementException();
    }
    Node<K, V> n = root;
    while (n.right != null) {
      n = n.right;
    }
    return n.key;
  }

  @Override
  public SortedMap<K, V> subMap(K fromKey, K toKey) {
    return Collections.unmodifiableSortedMap(new TreeMap<>(this).subMap(fromKey, toKey));
  }

  @Override
  public SortedMap<K, V> headMap(K toKey) {
    return Collections.unmodifiableSortedMap(new TreeMap<>(this).headMap(toKey));
  }

  @Override
  public SortedMap<K, V> tailMap(K fromKey) {
    return Collections.unmodifiableSortedMap(new TreeMap<>(this).tailMap(fromKey));
  }
}
