package org.apigw.store;

import org.apigw.resource.Upstream;
import org.apigw.upstream.NodeSelector;

/**
 * An upstream with its balancer. Kept across revisions while the upstream's config is equal, so
 * an unrelated change does not reset round-robin position. {@code selector} is null when the
 * balancer type is unknown; {@code problem} then says why and the proxy answers 502.
 */
public record UpstreamState(Upstream upstream, NodeSelector selector, String problem) {}
