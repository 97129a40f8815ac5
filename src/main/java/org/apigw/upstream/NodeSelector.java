package org.apigw.upstream;

import java.util.function.Predicate;
import org.apigw.resource.Node;

/**
 * Picks the upstream node for one attempt of one request. A selector is built for one upstream
 * config (one node list) and keeps its balancing state (round-robin weights) for as long as that
 * config lives; it is safe to call from several event loops at once.
 */
@FunctionalInterface
public interface NodeSelector {

  /**
   * Picks a node, or returns {@code null} when no node is eligible (no nodes, every node has
   * weight 0, or every node is excluded); the proxy turns null into 502. Never throws.
   *
   * @param hashKey the value to hash for {@code chash} (the caller resolves {@code hash_on}/{@code
   *     key} and falls back to the remote address); ignored by other balancers; null hashes like ""
   * @param excluded nodes this request must not get, e.g. those already tried (retries never hit
   *     the same node twice); null means none. Called under the selector's lock: keep it cheap
   */
  Node pick(String hashKey, Predicate<Node> excluded);
}
