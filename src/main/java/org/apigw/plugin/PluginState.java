package org.apigw.plugin;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;

/**
 * State a plugin keeps across config revisions (a rate-limit counter, a circuit-breaker window).
 *
 * <p>A {@link PluginChain} is rebuilt whenever its route, service or plugin config changes, and a
 * new {@code RuntimeConfig} is published for every revision, so nothing stored in a decoded conf
 * survives. State lives here instead, owned by the plugin instance (one per gateway, built with
 * the registry) and keyed by {@link Key}: the resource that configured the plugin plus the raw
 * conf. An unrelated change keeps the key, and so the state; changing the plugin's conf on that
 * resource gives a fresh key, as APISIX's counters are keyed by conf version. Entries expire after
 * {@code idle} without access, so state of deleted resources ages out.
 *
 * <p>Thread-safe (Caffeine); the value itself must be safe for concurrent event loops.
 */
public final class PluginState<V> {

  /**
   * Identity of one configured plugin instance: the owner (e.g. {@code routes/1}, {@code
   * services/s1}, {@code global_rules/g}) and the raw conf (without {@code _meta}), compared by
   * value. Looked up on every request, so the hash of the conf tree is computed once.
   */
  public static final class Key {
    private final String owner;
    private final JsonNode conf;
    private final int hash;

    public Key(String owner, JsonNode conf) {
      this.owner = Objects.requireNonNull(owner, "owner");
      this.conf = conf;
      this.hash = 31 * owner.hashCode() + Objects.hashCode(conf);
    }

    public String owner() {
      return owner;
    }

    public JsonNode conf() {
      return conf;
    }

    @Override
    public boolean equals(Object o) {
      return o == this
          || (o instanceof Key k && k.hash == hash && k.owner.equals(owner) && Objects.equals(k.conf, conf));
    }

    @Override
    public int hashCode() {
      return hash;
    }

    @Override
    public String toString() {
      return "Key[owner=" + owner + ", conf=" + conf + "]";
    }
  }

  private final Cache<Key, V> cache;

  public PluginState(Duration idle, long maximumSize) {
    this.cache = Caffeine.newBuilder().expireAfterAccess(idle).maximumSize(maximumSize).build();
  }

  /** The state for {@code key}, created by {@code create} on first use. */
  public V get(Key key, Function<Key, V> create) {
    return cache.get(key, create);
  }

  /** Number of live entries (approximate). */
  public long size() {
    cache.cleanUp();
    return cache.estimatedSize();
  }
}
