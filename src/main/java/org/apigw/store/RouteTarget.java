package org.apigw.store;

import org.apigw.resource.Route;
import org.apigw.resource.Service;

/**
 * What a router match yields: the route merged with what it references, resolved when the
 * router is built rather than per request.
 *
 * @param service the route's service, null when it has none or it is missing
 * @param serviceMissing true when {@code service_id} names a service that does not exist (404)
 * @param inlineUpstream the inline upstream of the route (or, failing that, of its service)
 * @param upstreamId the upstream to look up per request when there is no inline one
 */
public record RouteTarget(
    Route route, Service service, boolean serviceMissing, UpstreamState inlineUpstream, String upstreamId) {}
