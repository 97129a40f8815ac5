package org.apigw.expr;

/** A {@code vars} expression that cannot be compiled; the message says why. */
public final class ExprException extends Exception {
  private static final long serialVersionUID = 1L;

  public ExprException(String message) {
    super(message);
  }
}
