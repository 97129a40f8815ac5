package org.apigw.fallback;

import java.util.List;

/**
 * The few object-storage operations the config fallback needs, on one bucket. Every call blocks
 * the calling thread until it completes or its deadline passes: never call it on an event loop.
 */
public interface ObjectStore extends AutoCloseable {

  /** Writes (or overwrites) {@code key}. */
  void put(String key, byte[] body) throws ObjectStoreException;

  /**
   * Reads {@code key} whole.
   *
   * @throws ObjectStoreException with {@link ObjectStoreException#missing()} when there is no
   *     such object
   */
  byte[] get(String key) throws ObjectStoreException;

  /** Every key that starts with {@code prefix}. */
  List<String> list(String prefix) throws ObjectStoreException;

  /** Removes {@code key}; removing a missing key is not an error. */
  void delete(String key) throws ObjectStoreException;

  /** How messages name {@code key}, e.g. {@code s3://bucket/key}. */
  String describe(String key);

  @Override
  void close();
}
