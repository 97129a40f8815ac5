package org.apigw.router;

import java.util.Map;

/**
 * A successful match. {@code matchedUri} is the route uri that matched (e.g. {@code /foo/*});
 * {@code params} holds {@code :name} / {@code *name} captures (radixtree_uri_with_parameter
 * only; empty otherwise).
 */
public record Match<T>(RouteSpec<T> route, String matchedUri, Map<String, String> params) {}
