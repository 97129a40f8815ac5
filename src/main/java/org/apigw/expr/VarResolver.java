package org.apigw.expr;

/**
 * Looks up an APISIX/nginx variable by name for the current request: {@code uri}, {@code host},
 * {@code remote_addr}, {@code request_method}, {@code arg_<name>}, {@code http_<header>} (lower
 * case, '-' as '_'), {@code cookie_<name>}, ... Returns null when the variable is absent.
 */
@FunctionalInterface
public interface VarResolver {
  String var(String name);
}
