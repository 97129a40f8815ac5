package org.apigw.upstream;

import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.apigw.resource.Node;

/**
 * Consistent hashing on a ring. Each node gets {@code 160 * weight} virtual points, placed by
 * hashing {@code "<host:port>#<i>"}, so a node's points depend only on its address and weight:
 * adding or removing one node moves only the keys that land on its points. If the ring would
 * exceed {@value #MAX_POINTS} points (large weights, many nodes), every count is scaled down by
 * the same factor (at least one point per node); then a membership change also moves a few keys
 * between the remaining nodes, in proportion to the change of scale. A key goes to the
 * first point clockwise from its hash; excluded nodes are skipped by walking on clockwise.
 *
 * <p>Immutable after construction, so picks are lock-free; hashing the key does not allocate.
 */
final class ConsistentHash implements NodeSelector {
  static final int POINTS_PER_WEIGHT = 160;
  static final int MAX_POINTS = POINTS_PER_WEIGHT * 64; // ring of at most ~120 KiB

  private final Node[] nodes;
  private final long[] ring; // sorted point hashes
  private final int[] owner; // owner[i] = index into nodes of ring[i]

  ConsistentHash(List<Node> nodes) {
    this.nodes = nodes.toArray(Node[]::new);
    long sum = 0;
    for (Node n : this.nodes) {
      sum += n.weight();
    }
    double scale = POINTS_PER_WEIGHT;
    if (sum * scale > MAX_POINTS) {
      scale = MAX_POINTS / (double) sum;
    }
    int[] points = new int[this.nodes.length];
    int total = 0;
    for (int i = 0; i < this.nodes.length; i++) {
      points[i] = Math.max(1, (int) Math.round(this.nodes[i].weight() * scale));
      total += points[i];
    }
    long[] hashes = new long[total];
    int[] ownerOf = new int[total];
    Integer[] order = new Integer[total];
    int k = 0;
    for (int i = 0; i < this.nodes.length; i++) {
      String base = this.nodes[i].authority() + "#";
      for (int p = 0; p < points[i]; p++) {
        hashes[k] = hash(base + p);
        ownerOf[k] = i;
        order[k] = k;
        k++;
      }
    }
    // Sort points by hash; ties (vanishingly rare with 64-bit hashes) by owner, for determinism.
    Arrays.sort(order, (x, y) -> {
      int c = Long.compareUnsigned(hashes[x], hashes[y]);
      return c != 0 ? c : Integer.compare(ownerOf[x], ownerOf[y]);
    });
    this.ring = new long[total];
    this.owner = new int[total];
    for (int j = 0; j < total; j++) {
      ring[j] = hashes[order[j]];
      owner[j] = ownerOf[order[j]];
    }
  }

  @Override
  public Node pick(String hashKey, Predicate<Node> excluded) {
    if (ring.length == 0) {
      return null;
    }
    long h = hash(hashKey == null ? "" : hashKey);
    int start = firstAtOrAfter(h);
    for (int step = 0; step < ring.length; step++) {
      Node n = nodes[owner[(start + step) % ring.length]];
      if (!Balancers.isExcluded(excluded, n)) {
        return n;
      }
    }
    return null;
  }

  /** Index of the first ring point with hash >= h (unsigned), wrapping to 0. */
  private int firstAtOrAfter(long h) {
    int lo = 0;
    int hi = ring.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (Long.compareUnsigned(ring[mid], h) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == ring.length ? 0 : lo;
  }

  /** FNV-1a over the UTF-16 chars, then murmur3's fmix64 to spread the bits. No allocation. */
  static long hash(CharSequence s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      h ^= c & 0xff;
      h *= 0x100000001b3L;
      h ^= c >>> 8;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
