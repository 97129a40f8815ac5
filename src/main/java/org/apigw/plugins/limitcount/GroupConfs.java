package org.apigw.plugins.limitcount;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import org.apigw.plugin.PluginConfigException;

/**
 * APISIX's rule that every conf naming the same {@code group} is the same conf: the first conf
 * seen for a group is remembered, and a different one is refused with {@code group conf
 * mismatched}. As in APISIX (a plugin lrucache with a five-minute TTL), a group's conf can only
 * change once it has not been seen for {@link #TTL}. Thread-safe.
 */
final class GroupConfs {

  static final Duration TTL = Duration.ofMinutes(5);

  private final Cache<String, JsonNode> first = Caffeine.newBuilder().expireAfterWrite(TTL).maximumSize(10_000).build();

  /** @throws PluginConfigException when {@code group} was seen with another conf */
  void check(String group, JsonNode conf) {
    JsonNode previous = first.get(group, g -> conf);
    if (!previous.equals(conf)) {
      throw new PluginConfigException("group conf mismatched");
    }
  }
}
