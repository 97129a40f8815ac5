package org.apigw.resource;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One more way for a consumer to authenticate: a single auth plugin's consumer conf, stored at
 * {@code consumers/<username>/credentials/<credentialId>}.
 *
 * @param plugins at most one entry, an auth plugin (fields decrypted)
 */
public record ConsumerCredential(String username, String credentialId, Map<String, JsonNode> plugins)
    implements Resource {

  public ConsumerCredential {
    plugins = Collections.unmodifiableMap(new LinkedHashMap<>(plugins));
  }

  /** {@code <username>/credentials/<credentialId>}, the key below the consumers directory. */
  @Override
  public String id() {
    return username + "/credentials/" + credentialId;
  }
}
