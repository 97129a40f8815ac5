package org.apigw.store;

/**
 * The values this node served before it started, kept aside instead of served while etcd's
 * first full read is awaited. They matter only for a key whose value in etcd is now refused and
 * that nothing serves yet: its last good value then keeps serving across the restart (F10).
 */
public interface LastGoodValues {

  /**
   * The last good value of {@code key}, or null when there is none or when the values came from
   * another etcd cluster than {@code clusterId} (and so say nothing about its keys).
   */
  ConfigEntry find(String key, long clusterId);
}
