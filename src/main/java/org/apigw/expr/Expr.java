package org.apigw.expr;

/**
 * A compiled lua-resty-expr expression as used by route {@code vars}: a list of
 * {@code [var, op, value]} rules (AND-ed), or the nested logical form
 * {@code ["AND"|"OR"|"!AND"|"!OR", expr...]}. Immutable and thread-safe; evaluation allocates
 * nothing beyond what the variable lookups return.
 */
public interface Expr {

  boolean test(VarResolver vars);

  /**
   * Compiles an expression.
   *
   * @throws ExprException with a message such as {@code invalid operator '='} or {@code rule
   *     should be wrapped inside brackets}
   */
  static Expr compile(com.fasterxml.jackson.databind.JsonNode node) throws ExprException {
    return ExprCompiler.compile(node);
  }
}
