package org.apigw.fallback;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An in-memory bucket; {@link #failing} makes every call fail as an unreachable server would,
 * {@link #failPutsOf} only PUTs of keys ending so.
 */
final class MemoryObjectStore implements ObjectStore {
  final Map<String, byte[]> objects = new TreeMap<>();
  final List<String> puts = new ArrayList<>();
  boolean failing;
  String failPutsOf;

  @Override
  public synchronized void put(String key, byte[] body) throws ObjectStoreException {
    check("PUT", key);
    if (failPutsOf != null && key.endsWith(failPutsOf)) {
      throw new ObjectStoreException("PUT " + describe(key) + " failed: timeout", false, null);
    }
    objects.put(key, body.clone());
    puts.add(key);
  }

  @Override
  public synchronized byte[] get(String key) throws ObjectStoreException {
    check("GET", key);
    byte[] body = objects.get(key);
    if (body == null) {
      throw new ObjectStoreException(describe(key) + ": no such object", true, null);
    }
    return body.clone();
  }

  @Override
  public synchronized List<String> list(String prefix) throws ObjectStoreException {
    check("LIST", prefix);
    return objects.keySet().stream().filter(k -> k.startsWith(prefix)).toList();
  }

  @Override
  public synchronized void delete(String key) throws ObjectStoreException {
    check("DELETE", key);
    objects.remove(key);
  }

  @Override
  public String describe(String key) {
    return "mem://bucket/" + key;
  }

  @Override
  public void close() {}

  private void check(String op, String key) throws ObjectStoreException {
    if (failing) {
      throw new ObjectStoreException(op + " " + describe(key) + " failed: Connection refused", false, null);
    }
  }
}
