package org.apigw.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real Redis cluster of {@code n} masters (no replicas), each a {@link RedisProcess} started
 * with {@code --cluster-enabled yes}, joined and given all 16384 slots by {@code redis-cli
 * --cluster create}. Ready once every node reports {@code cluster_state:ok}.
 */
public final class RedisCluster implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);

  private final List<RedisProcess> nodes = new ArrayList<>();

  private RedisCluster() {}

  public static RedisCluster start(int masters) {
    RedisCluster cluster = new RedisCluster();
    try {
      for (int i = 0; i < masters; i++) {
        cluster.nodes.add(RedisProcess.startClusterNode());
      }
      List<String> create = new ArrayList<>(List.of(RedisProcess.CLI, "--cluster", "create"));
      cluster.nodes.forEach(n -> create.add(n.address()));
      create.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
      RedisProcess.run(create, Duration.ofSeconds(60));
      for (RedisProcess node : cluster.nodes) {
        Deadline.await(
            READY_TIMEOUT, "cluster_state:ok on " + node.address(),
            () -> node.cli("cluster", "info").contains("cluster_state:ok"));
      }
      return cluster;
    } catch (RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  public List<RedisProcess> nodes() {
    return List.copyOf(nodes);
  }

  /** {@code host:port} of every node, for redis_cluster_nodes. */
  public List<String> addresses() {
    return nodes.stream().map(RedisProcess::address).toList();
  }

  @Override
  public void close() {
    for (RedisProcess node : nodes) {
      node.close();
    }
  }
}
