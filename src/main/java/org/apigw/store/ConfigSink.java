package org.apigw.store;

import java.util.List;

/**
 * Receives config from a source. Calls are made by one source thread at a time and never from
 * an event loop; an implementation may do real work (decode, rebuild indexes) inside them.
 */
public interface ConfigSink {

  /**
   * A complete, consistent view of the prefix at {@code revision}: keys absent from
   * {@code entries} are deleted. Used for the first load, resyncs and snapshot start-up.
   */
  void replaceAll(ConfigOrigin origin, long revision, long clusterId, List<ConfigEntry> entries, String reason);

  /** The changes of one watch response, in order, applied as one batch. */
  void apply(long revision, List<ConfigEntry> changes);

  /**
   * The source vouches that what it delivered up to {@code revision} is still all there is, as of
   * {@code atMillis} (wall clock): an etcd watch answered (events or a progress report), a
   * standalone file was found unchanged, a snapshot was written at that time. Drives the
   * "config age" a node reports. Ignored unless {@code origin} is the origin being served.
   */
  default void confirm(ConfigOrigin origin, long revision, long atMillis) {}
}
