package org.apigw.store;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apigw.resource.ResourceType;

/**
 * Which resources one publish changes, so that {@link RuntimeBuilder} redoes only what they feed:
 * per type, the ids that were put or deleted, or "the whole type" when the store cannot or will
 * not say (first load, origin switch). Filled by {@link ConfigStore} on its writer thread, then
 * only read.
 */
final class ChangeSet {

  private final Map<ResourceType, Set<String>> ids = new EnumMap<>(ResourceType.class);
  private final Set<ResourceType> whole = EnumSet.noneOf(ResourceType.class);

  /** Every type, whole: derive everything again from the resources. */
  static ChangeSet everything() {
    ChangeSet all = new ChangeSet();
    all.whole.addAll(EnumSet.allOf(ResourceType.class));
    return all;
  }

  void changed(ResourceType type, String id) {
    ids.computeIfAbsent(type, t -> new TreeSet<>()).add(id);
  }

  void wholeType(ResourceType type) {
    whole.add(type);
  }

  boolean isEmpty() {
    return ids.isEmpty() && whole.isEmpty();
  }

  /** True when anything of {@code type} changed. */
  boolean touched(ResourceType type) {
    return whole.contains(type) || ids.containsKey(type);
  }

  /** True when all of {@code type} is to be derived again, not just {@link #ids}. */
  boolean whole(ResourceType type) {
    return whole.contains(type);
  }

  /** The ids of {@code type} put or deleted, in id order; empty when none (or when whole). */
  Set<String> ids(ResourceType type) {
    return ids.getOrDefault(type, Set.of());
  }

  /** The number of types touched, for the load log line. */
  int typeCount() {
    Set<ResourceType> all = EnumSet.noneOf(ResourceType.class);
    all.addAll(ids.keySet());
    all.addAll(whole);
    return all.size();
  }
}
