package org.apigw.upstream;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;
import org.apigw.resource.Node;
import org.apigw.resource.Upstream;

/**
 * Builds the {@link NodeSelector} for an upstream's {@code type} (APISIX §4.2).
 *
 * <ul>
 *   <li>{@code roundrobin} (default when type is null): nginx's smooth weighted round robin.
 *   <li>{@code chash}: consistent hashing on a ring with virtual nodes proportional to weight.
 * </ul>
 *
 * <p>Node priority: nodes are grouped by priority, highest first, and each group gets its own
 * balancer. A pick uses the first group that has an eligible node, so lower groups (backups) are
 * used only when every node of the higher groups is excluded. Nodes with weight 0 are dropped at
 * build time and never picked.
 */
public final class Balancers {
  private Balancers() {}

  /**
   * @throws IllegalArgumentException for a balancer type this build does not implement (the
   *     resource validator lets any type through; the proxy answers 502 for such an upstream)
   */
  public static NodeSelector create(Upstream upstream) {
    String type = upstream.type() == null ? "roundrobin" : upstream.type();
    Function<List<Node>, NodeSelector> perGroup =
        switch (type) {
          case "roundrobin" -> SmoothWeightedRoundRobin::new;
          case "chash" -> ConsistentHash::new;
          default -> throw new IllegalArgumentException(
              "unsupported balancer type '" + type + "' in upstream "
                  + (upstream.id() == null ? "(inline)" : upstream.id())
                  + " (supported: roundrobin, chash)");
        };
    return byPriority(upstream.nodes(), perGroup);
  }

  private static final NodeSelector EMPTY = (key, excluded) -> null;

  static NodeSelector byPriority(List<Node> nodes, Function<List<Node>, NodeSelector> perGroup) {
    Map<Integer, List<Node>> groups = new TreeMap<>(Comparator.reverseOrder());
    for (Node n : nodes) {
      if (n.weight() > 0) {
        groups.computeIfAbsent(n.priority(), p -> new ArrayList<>()).add(n);
      }
    }
    if (groups.isEmpty()) {
      return EMPTY;
    }
    if (groups.size() == 1) {
      return perGroup.apply(groups.values().iterator().next());
    }
    NodeSelector[] ordered = groups.values().stream().map(perGroup).toArray(NodeSelector[]::new);
    return (key, excluded) -> {
      for (NodeSelector s : ordered) {
        Node n = s.pick(key, excluded);
        if (n != null) {
          return n;
        }
      }
      return null;
    };
  }

  static boolean isExcluded(Predicate<Node> excluded, Node n) {
    return excluded != null && excluded.test(n);
  }
}
