package org.apigw.store;

import java.util.Optional;
import java.util.Set;
import org.apigw.resource.ResourceType;

/**
 * Splits {@code <prefix>/<dir>/<id>} into the resource type and id, and knows which keys APISIX
 * keeps under the prefix that are not resources this node serves.
 */
record ConfigKey(ResourceType type, String id) {

  /** APISIX directories and single keys that this build does not serve; skipped quietly. */
  private static final Set<String> KNOWN_OTHER =
      Set.of(
          "ssls", "stream_routes", "protos", "secrets",
          "plugins", "gen_id", "data_plane");

  /** Why a key is not a resource to decode; {@code UNKNOWN} keys are counted as rejected. */
  enum Skip {
    NONE,
    PLACEHOLDER,
    KNOWN_OTHER,
    UNKNOWN
  }

  record Parsed(Skip skip, ConfigKey key) {}

  static Parsed parse(String prefix, String key) {
    if (!key.startsWith(prefix + "/")) {
      return new Parsed(Skip.UNKNOWN, null);
    }
    String rest = key.substring(prefix.length() + 1);
    int slash = rest.indexOf('/');
    String dir = slash < 0 ? rest : rest.substring(0, slash);
    Optional<ResourceType> type = ResourceType.fromDir(dir);
    if (type.isEmpty()) {
      return new Parsed(KNOWN_OTHER.contains(dir) ? Skip.KNOWN_OTHER : Skip.UNKNOWN, null);
    }
    String id = slash < 0 ? "" : rest.substring(slash + 1);
    if (id.isEmpty()) {
      return new Parsed(Skip.PLACEHOLDER, null); // "<prefix>/routes/" holds APISIX's init_dir marker
    }
    int inner = id.indexOf('/');
    if (inner >= 0) {
      if (type.get() == ResourceType.CONSUMERS && isCredential(id, inner)) {
        return new Parsed(Skip.NONE, new ConfigKey(ResourceType.CREDENTIALS, id));
      }
      if (type.get() == ResourceType.CONSUMERS && id.endsWith("/credentials/")) {
        return new Parsed(Skip.PLACEHOLDER, null);
      }
      return new Parsed(Skip.UNKNOWN, null);
    }
    return new Parsed(Skip.NONE, new ConfigKey(type.get(), id));
  }

  /** {@code <username>/credentials/<id>} with non-empty parts and nothing deeper. */
  private static boolean isCredential(String id, int slash) {
    String marker = "/credentials/";
    return slash > 0
        && id.startsWith(marker, slash)
        && id.length() > slash + marker.length()
        && id.indexOf('/', slash + marker.length()) < 0;
  }
}
