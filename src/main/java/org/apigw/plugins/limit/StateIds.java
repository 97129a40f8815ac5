package org.apigw.plugins.limit;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apigw.plugin.PluginState;

/** Names for a configured limit's state outside this process (its keys in Redis). */
public final class StateIds {

  private StateIds() {}

  /**
   * {@code <owner>:<conf digest>}, e.g. {@code routes/1:3f2a…}: stands in for APISIX's {@code
   * resource_key:conf_version}. Every gateway reading the same conf from etcd derives the same
   * id, which is what lets them share state; a changed conf gets a new id, so fresh state.
   */
  public static String of(PluginState.Key key) {
    return key.owner() + ":" + digest(key.conf().toString());
  }

  /** A short, stable digest of a conf's JSON text. */
  public static String digest(String conf) {
    try {
      byte[] sha = MessageDigest.getInstance("SHA-256").digest(conf.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(sha, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
