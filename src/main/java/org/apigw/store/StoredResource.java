package org.apigw.store;

import org.apigw.resource.Resource;
import org.apigw.resource.ResourceType;

/**
 * An accepted key: the raw value as stored in etcd (what the snapshot file mirrors) next to the
 * decoded resource (what requests use). Immutable; reused across revisions while unchanged.
 */
public record StoredResource(
    String key, ResourceType type, String id, byte[] raw, long createRevision, long modRevision, Resource resource) {}
