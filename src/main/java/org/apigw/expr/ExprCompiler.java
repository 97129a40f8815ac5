package org.apigw.expr;

/** Interim: replaced by the real compiler from the router/expr work. */
final class ExprCompiler {
  private ExprCompiler() {}

  static Expr compile(com.fasterxml.jackson.databind.JsonNode node) throws ExprException {
    throw new ExprException("interim: expression compiler not merged yet");
  }
}
