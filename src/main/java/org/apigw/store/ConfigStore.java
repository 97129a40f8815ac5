package org.apigw.store;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apigw.collect.PersistentSortedMap;
import org.apigw.plugin.Plugins;
import org.apigw.resource.Decoded;
import org.apigw.resource.ResourceCodec;
import org.apigw.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns what a config source delivers into the {@link RuntimeConfig} requests read.
 *
 * <p>Each value is decoded and validated on its own: a bad value is logged with its key,
 * revision and reason, counted, and does not touch what is served for that key (the last good
 * value keeps serving; a new key that is bad is simply absent). A batch is applied as a whole and
 * published with one volatile write, so a request never sees half of a revision.
 *
 * <p>Values from the node's own config snapshot were validated when they were accepted, and the
 * file is checksummed: a snapshot load decodes them without validating them again (most of the
 * cost of a cold start). Such a value stays "unverified" until the next full read from another
 * source: that read validates it even if its bytes did not change, and keeps it as the last good
 * value (when the source's value is refused) only if it passes validation itself, so a snapshot
 * written by an older, laxer build never outlives the first read from etcd.
 *
 * <p>Each type's resources are a {@link PersistentSortedMap}, and each publish names the ids it
 * put or deleted in a {@link ChangeSet}, so that applying one change copies one tree path and
 * {@link RuntimeBuilder} redoes only what that change feeds; a full read diffs against what is
 * served (by value identity) and does the same.
 *
 * <p>Threading: writers ({@link #apply}, {@link #replaceAll}) are serialised by the object's
 * monitor and run on source threads, never on event loops; readers call {@link #current()}
 * without locking.
 */
public final class ConfigStore implements ConfigSink {

  private static final Logger log = LoggerFactory.getLogger(ConfigStore.class);

  private final String prefix;
  private final ResourceCodec codec;
  private final RuntimeBuilder builder;
  private final Consumer<RuntimeConfig> onPublish;
  private final Map<String, Rejection> rejections = new ConcurrentHashMap<>();
  private final Map<String, AtomicLong> rejectedTotal = new ConcurrentHashMap<>();
  /** Keys whose served value came from the snapshot without validation; guarded by this. */
  private Set<String> unverified = Set.of();
  /** Consulted by the first full read from etcd, then dropped; guarded by this. */
  private LastGoodValues keptAside;
  private volatile RuntimeConfig current;
  private volatile long confirmedAtMillis;

  /**
   * @param prefix etcd prefix without trailing slash, e.g. {@code /apisix}
   * @param onPublish called (on the writer thread) after each publish, e.g. to mirror the config
   *     to the snapshot file
   */
  public ConfigStore(String prefix, ResourceCodec codec, String routerKind, Consumer<RuntimeConfig> onPublish) {
    this(prefix, codec, routerKind, null, onPublish);
  }

  /**
   * @param plugins builds the plugin chains of routes and global rules; null = no plugins (every
   *     chain empty)
   */
  public ConfigStore(
      String prefix, ResourceCodec codec, String routerKind, Plugins plugins, Consumer<RuntimeConfig> onPublish) {
    this.prefix = prefix;
    this.codec = codec;
    this.builder = new RuntimeBuilder(plugins);
    this.onPublish = onPublish;
    this.current = RuntimeConfig.empty(routerKind);
  }

  /** The config to serve now. Read it once per request. */
  public RuntimeConfig current() {
    return current;
  }

  /**
   * Wall-clock millis at which the served config was last known to equal its source (see
   * {@link ConfigSink#confirm}); 0 before anything was loaded. Every publish counts as a
   * confirmation, since what it publishes was just read; a snapshot start is then dated back to
   * the snapshot's own time by the caller.
   */
  public long confirmedAtMillis() {
    return confirmedAtMillis;
  }

  @Override
  public synchronized void confirm(ConfigOrigin origin, long revision, long atMillis) {
    RuntimeConfig served = current;
    if (served.origin() == origin && revision >= served.revision()) {
      confirmedAtMillis = atMillis;
    }
  }

  /** Keys whose latest value was refused, by key. */
  public Map<String, Rejection> rejections() {
    return Collections.unmodifiableMap(new TreeMap<>(rejections));
  }

  /** Refused values since start, by resource directory (or {@code unknown}). */
  public Map<String, Long> rejectedTotals() {
    Map<String, Long> totals = new TreeMap<>();
    rejectedTotal.forEach((k, v) -> totals.put(k, v.get()));
    return totals;
  }

  @Override
  public synchronized void apply(long revision, List<ConfigEntry> changes) {
    RuntimeConfig previous = current;
    Map<ResourceType, PersistentSortedMap<String, StoredResource>> next = new EnumMap<>(previous.resources());
    ChangeSet changed = new ChangeSet();
    for (ConfigEntry change : changes) {
      ConfigKey.Parsed parsed = ConfigKey.parse(prefix, change.key());
      if (parsed.skip() != ConfigKey.Skip.NONE) {
        skip(parsed.skip(), change, revision);
        continue;
      }
      ConfigKey key = parsed.key();
      PersistentSortedMap<String, StoredResource> map = next.get(key.type());
      if (change.isDelete()) {
        if (map.containsKey(key.id())) {
          next.put(key.type(), map.without(key.id()));
          changed.changed(key.type(), key.id());
        }
        rejections.remove(change.key());
        continue;
      }
      StoredResource stored = decode(key, change, revision);
      if (stored != null) {
        next.put(key.type(), map.with(key.id(), stored));
        changed.changed(key.type(), key.id());
      }
      // a refused value changes nothing: the last good one keeps serving
    }
    publish(previous, revision, previous.clusterId(), previous.origin(), next, changed);
  }

  /**
   * Keeps {@code values} aside for the first full read from etcd: a key it refuses that nothing
   * serves keeps its value from there, if that value passes validation. Any full read drops them.
   */
  public synchronized void keepAside(LastGoodValues values) {
    keptAside = values;
  }

  @Override
  public synchronized void replaceAll(
      ConfigOrigin origin, long revision, long clusterId, List<ConfigEntry> entries, String reason) {
    RuntimeConfig previous = current;
    LastGoodValues aside = origin == ConfigOrigin.ETCD ? keptAside : null;
    keptAside = null;
    if (origin.isStandIn() && previous.origin() == ConfigOrigin.ETCD) {
      log.info("not loading the {} config at revision {}: etcd already answered", origin.label(), revision);
      return;
    }
    Map<ResourceType, SortedMap<String, StoredResource>> fresh = new EnumMap<>(ResourceType.class);
    for (ResourceType type : ResourceType.values()) {
      fresh.put(type, new TreeMap<>());
    }
    // a snapshot (or fallback copy) of another etcd cluster says nothing about this one's keys: keep none of it
    boolean foreign =
        previous.origin().isStandIn() && origin == ConfigOrigin.ETCD
            && previous.clusterId() != 0 && clusterId != 0 && previous.clusterId() != clusterId;
    if (foreign) {
      log.warn(
          "the {} config came from etcd cluster {}, etcd is now cluster {}: none of its values are kept",
          previous.origin().label(), Long.toHexString(previous.clusterId()), Long.toHexString(clusterId));
    }
    Map<String, Rejection> stillRejected = new LinkedHashMap<>();
    boolean trusted = origin == ConfigOrigin.SNAPSHOT;
    Set<String> nowUnverified = trusted ? new HashSet<>() : Set.of();
    for (ConfigEntry entry : entries) {
      ConfigKey.Parsed parsed = ConfigKey.parse(prefix, entry.key());
      if (parsed.skip() != ConfigKey.Skip.NONE) {
        skip(parsed.skip(), entry, entry.modRevision());
        continue;
      }
      ConfigKey key = parsed.key();
      StoredResource old = foreign ? null : previous.all(key.type()).get(key.id());
      boolean oldVerified = old != null && !unverified.contains(entry.key());
      if (oldVerified && old.modRevision() == entry.modRevision() && Arrays.equals(old.raw(), entry.value())) {
        fresh.get(key.type()).put(key.id(), old); // unchanged: reuse, no decoding
        continue;
      }
      StoredResource stored = decode(key, entry, entry.modRevision(), !trusted);
      if (stored != null) {
        fresh.get(key.type()).put(key.id(), stored);
        if (trusted) {
          nowUnverified.add(entry.key());
        }
      } else {
        if (old != null && (oldVerified || passesValidation(old))) {
          fresh.get(key.type()).put(key.id(), old); // the last good value keeps serving
        } else if (old != null) {
          log.warn("{}: the config snapshot's value fails validation too; the key is not served", entry.key());
        } else if (aside != null) {
          StoredResource kept = lastGood(key, aside.find(entry.key(), clusterId));
          if (kept != null) {
            fresh.get(key.type()).put(key.id(), kept);
            log.warn(
                "{}: its value from the config snapshot (revision {}) keeps serving", entry.key(), kept.modRevision());
          }
        }
        stillRejected.put(entry.key(), rejections.get(entry.key()));
      }
    }
    // rejections of keys that no longer exist are gone with them
    rejections.keySet().retainAll(stillRejected.keySet());
    unverified = nowUnverified;
    ChangeSet changed = new ChangeSet();
    Map<ResourceType, PersistentSortedMap<String, StoredResource>> next = new EnumMap<>(ResourceType.class);
    int before = 0;
    int after = 0;
    for (ResourceType type : ResourceType.values()) {
      PersistentSortedMap<String, StoredResource> old = previous.resources().get(type);
      SortedMap<String, StoredResource> now = fresh.get(type);
      before += old.size();
      after += now.size();
      if (diff(type, old, now, changed)) {
        next.put(type, PersistentSortedMap.copyOf(now));
      } else {
        next.put(type, old);
      }
    }
    if (previous.origin() != ConfigOrigin.NONE && before > 0 && after == 0) {
      log.error(
          "full read from {} at revision {} holds no resources: dropping all {} served keys ({})",
          origin.label(), revision, before, reason);
    }
    if (origin != previous.origin() || changed.isEmpty()) {
      changed = ChangeSet.everything(); // first load or origin switch: build everything
    }
    publish(previous, revision, clusterId, origin, next, changed);
    log.info(
        "loaded {} keys from {} at revision {} ({} changed types, {} rejected)",
        after, origin.label(), revision, changed.typeCount(), stillRejected.size());
  }

  private void publish(
      RuntimeConfig previous,
      long revision,
      long clusterId,
      ConfigOrigin origin,
      Map<ResourceType, PersistentSortedMap<String, StoredResource>> next,
      ChangeSet changed) {
    RuntimeConfig built =
        builder.build(previous, revision, clusterId, origin, Collections.unmodifiableMap(next), changed);
    current = built;
    confirmedAtMillis = built.appliedAtMillis();
    try {
      onPublish.accept(built);
    } catch (RuntimeException e) {
      log.error("post-publish hook failed at revision {}", revision, e);
    }
  }

  private StoredResource decode(ConfigKey key, ConfigEntry entry, long revision) {
    return decode(key, entry, revision, true);
  }

  /** @param validate false for a value read back from the snapshot (see the class comment) */
  private StoredResource decode(ConfigKey key, ConfigEntry entry, long revision, boolean validate) {
    Decoded decoded =
        validate
            ? codec.decode(key.type(), key.id(), entry.value())
            : codec.decodeAccepted(key.type(), key.id(), entry.value());
    if (decoded instanceof Decoded.Accepted accepted) {
      rejections.remove(entry.key());
      return stored(key, entry, accepted);
    }
    String reason = ((Decoded.Rejected) decoded).reason();
    reject(key.type().dir(), entry.key(), revision, reason);
    return null;
  }

  /** {@code entry} decoded, if it passes validation by this build; null otherwise. */
  private StoredResource lastGood(ConfigKey key, ConfigEntry entry) {
    if (entry == null
        || !(codec.decode(key.type(), key.id(), entry.value()) instanceof Decoded.Accepted accepted)) {
      return null;
    }
    return stored(key, entry, accepted);
  }

  private static StoredResource stored(ConfigKey key, ConfigEntry entry, Decoded.Accepted accepted) {
    return new StoredResource(
        entry.key(), key.type(), key.id(), entry.value(), entry.createRevision(), entry.modRevision(),
        accepted.resource());
  }

  /** Whether a value taken unvalidated from the snapshot passes validation by this build. */
  private boolean passesValidation(StoredResource stored) {
    return codec.decode(stored.type(), stored.id(), stored.raw()) instanceof Decoded.Accepted;
  }

  private void skip(ConfigKey.Skip skip, ConfigEntry entry, long revision) {
    if (skip == ConfigKey.Skip.UNKNOWN && !entry.isDelete()) {
      reject("unknown", entry.key(), revision, "not a resource type this gateway knows");
    }
  }

  private void reject(String dir, String key, long revision, String reason) {
    boolean hadGood = keepsServing(key);
    rejections.put(key, new Rejection(key, revision, reason, System.currentTimeMillis()));
    rejectedTotal.computeIfAbsent(dir, d -> new AtomicLong()).incrementAndGet();
    log.warn(
        "rejected {} at revision {}: {}; {}",
        key, revision, reason, hadGood ? "its previous value keeps serving" : "the key is not served");
  }

  private boolean keepsServing(String key) {
    ConfigKey.Parsed parsed = ConfigKey.parse(prefix, key);
    return parsed.key() != null && current.all(parsed.key().type()).containsKey(parsed.key().id());
  }

  /**
   * Records in {@code changed} the ids of {@code type} whose stored value is not the same object
   * in {@code old} and {@code now}; true when there is any.
   */
  private static boolean diff(
      ResourceType type,
      SortedMap<String, StoredResource> old,
      SortedMap<String, StoredResource> now,
      ChangeSet changed) {
    boolean any = false;
    for (Map.Entry<String, StoredResource> e : old.entrySet()) {
      if (now.get(e.getKey()) != e.getValue()) {
        changed.changed(type, e.getKey());
        any = true;
      }
    }
    for (String id : now.keySet()) {
      if (!old.containsKey(id)) {
        changed.changed(type, id);
        any = true;
      }
    }
    return any;
  }
}
