package org.apigw.upstream;

import java.util.List;
import java.util.function.Predicate;
import org.apigw.resource.Node;

/**
 * nginx's smooth weighted round robin ({@code ngx_http_upstream_get_peer}): on each pick every
 * eligible node's current weight grows by its weight, the node with the largest current weight
 * wins (first one on ties) and loses the total weight of the eligible nodes. Weights {5, 1, 1}
 * give a a b a c a a. Excluded nodes take no part in the round, as nginx skips tried peers.
 *
 * <p>Thread safety: the current weights are guarded by this object's monitor; a pick is a short
 * loop over the nodes with no allocation.
 */
final class SmoothWeightedRoundRobin implements NodeSelector {
  private final Node[] nodes;
  private final int[] weights;
  private final long[] current; // guarded by this

  SmoothWeightedRoundRobin(List<Node> nodes) {
    this.nodes = nodes.toArray(Node[]::new);
    this.weights = new int[this.nodes.length];
    for (int i = 0; i < this.nodes.length; i++) {
      weights[i] = this.nodes[i].weight();
    }
    this.current = new long[this.nodes.length];
  }

  @Override
  public Node pick(String hashKey, Predicate<Node> excluded) {
    synchronized (this) {
      int best = -1;
      long total = 0;
      for (int i = 0; i < nodes.length; i++) {
        if (weights[i] <= 0 || Balancers.isExcluded(excluded, nodes[i])) {
          continue;
        }
        current[i] += weights[i];
        total += weights[i];
        if (best < 0 || current[i] > current[best]) {
          best = i;
        }
      }
      if (best < 0) {
        return null;
      }
      current[best] -= total;
      return nodes[best];
    }
  }
}
